/** The value after `name` in a benchmark's arguments (`--records 20000`). */
export function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
