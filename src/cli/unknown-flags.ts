/**
 * The flags on a command line that the command does not declare. yargs reports them only
 * when nothing else failed first, so `topic create X --partitons 3` used to say just
 * "Missing required argument: partitions": the typo that caused it went unnamed.
 */
export function unknownFlags(argv: string[], known: ReadonlySet<string>): string[] {
  const unknown: string[] = [];
  for (const token of argv) {
    if (token === '--') break;
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=')[0]!;
      const negated = name.startsWith('no-') ? name.slice(3) : undefined;
      if (!isKnown(name, known) && !(negated && isKnown(negated, known))) unknown.push(name);
    } else if (/^-[^\d.-]/.test(token)) {
      // -abc is three short flags; "-5/s" and "-0.5" are values, not flags.
      for (const letter of token.slice(1).split('=')[0]!) if (!known.has(letter)) unknown.push(letter);
    }
  }
  return [...new Set(unknown)];
}

function isKnown(name: string, known: ReadonlySet<string>): boolean {
  return known.has(name) || known.has(name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
}

/**
 * yargs reads `--rate -5/s` as the flag --rate without a value and a short flag "-5": give
 * such a value to the flag before it (as `--rate=-5/s`), so its own parser names the flag
 * and the expected form. A plain negative number (`--shift-by -5`) yargs already reads.
 */
export function attachDashValues(argv: string[]): string[] {
  const out: string[] = [];
  for (const [i, token] of argv.entries()) {
    const previous = out[out.length - 1];
    const afterFlag = previous !== undefined && /^--[^=]+$/.test(previous) && !argv.slice(0, i).includes('--');
    if (afterFlag && /^-\d/.test(token) && !/^-\d+(\.\d+)?$/.test(token)) out[out.length - 1] = `${previous}=${token}`;
    else out.push(token);
  }
  return out;
}
