const compiled = new Map<string, RegExp | null>();

/**
 * Whether a patternProperties pattern matches a property name anywhere in it (Java's
 * Matcher.find(), which the registry uses). A pattern JavaScript cannot compile matches nothing.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = compile(pattern, 'u') ?? compile(pattern, '');
    compiled.set(pattern, re);
  }
  return re !== null && re.test(name);
}

function compile(pattern: string, flags: string): RegExp | null {
  try {
    return new RegExp(pattern, flags);
  } catch {
    return null;
  }
}
