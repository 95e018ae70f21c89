/**
 * A maximum matching of a bipartite graph given as `edges[left]` = the right vertices it may pair
 * with (augmenting paths, Kuhn's algorithm). Returns `match[left]` = its right vertex, or -1.
 */
export function maximumMatching(edges: readonly (readonly number[])[], rightCount: number): number[] {
  const rightOwner = new Array<number>(rightCount).fill(-1);
  const tryAugment = (left: number, seen: boolean[]): boolean => {
    for (const right of edges[left] ?? []) {
      if (seen[right]) continue;
      seen[right] = true;
      const owner = rightOwner[right] as number;
      if (owner === -1 || tryAugment(owner, seen)) {
        rightOwner[right] = left;
        return true;
      }
    }
    return false;
  };
  edges.forEach((_, left) => tryAugment(left, new Array<boolean>(rightCount).fill(false)));
  const match = new Array<number>(edges.length).fill(-1);
  rightOwner.forEach((left, right) => {
    if (left !== -1) match[left] = right;
  });
  return match;
}
