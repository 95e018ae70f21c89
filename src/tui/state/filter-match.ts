/**
 * What a list's '/' filter matches, as k9s reads it: the text is a case-insensitive regex, a
 * leading '!' keeps the rows that do NOT match. Text that is no regex (an unclosed bracket
 * while typing, a lone '*') is matched as a substring, and `notRegex` says why.
 */
export interface FilterMatch {
  test(text: string): boolean;
  /** The regex error when the text is matched as a substring; null for a regex. */
  notRegex: string | null;
}

const cache = new Map<string, FilterMatch | null>();
const CACHE_MAX = 100;

/** null when the filter keeps every row (empty, or a lone '!'). */
export function filterMatch(filter: string): FilterMatch | null {
  const text = filter.trim();
  let hit = cache.get(text);
  if (hit === undefined) {
    hit = compile(text);
    // Filters are typed one key at a time: keep the recent ones, not every prefix ever typed.
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(text, hit);
  }
  return hit;
}

function compile(text: string): FilterMatch | null {
  const invert = text.startsWith('!');
  const pattern = (invert ? text.slice(1) : text).trim();
  if (pattern === '') return null;
  let matches: (t: string) => boolean;
  let notRegex: string | null = null;
  try {
    const re = new RegExp(pattern, 'i');
    matches = (t) => re.test(t);
  } catch (err) {
    // V8 says "Invalid regular expression: /(/i: Unterminated group": the reason is the last part.
    notRegex = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    const needle = pattern.toLowerCase();
    matches = (t) => t.toLowerCase().includes(needle);
  }
  return { test: invert ? (t) => !matches(t) : matches, notRegex };
}
