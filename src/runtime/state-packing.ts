import { serviceHandlers } from './services/index.js';
import type { ServiceName } from './types.js';

/**
 * Order states as the Redis store keeps them: the service's frequent JSON fragments (its
 * stateTokens) replaced by one control character each. JSON.stringify never writes a raw
 * control character (it escapes them), so unpacking is exact. It keeps an order's entry under
 * Redis' hash-max-listpack-value (64 bytes by default), where hashes stay compact: a payment's
 * {"status":"AUTHORIZED","amount":13563,"currency":"SEK"} (56 bytes) becomes 11.
 */
export class StatePacker {
  private readonly tokens: string[];
  private readonly codes: string[];

  constructor(tokens: readonly string[]) {
    if (tokens.length > 31) throw new Error('at most 31 state tokens (one control character each)');
    // Longest first, so a token that contains another is replaced whole.
    this.tokens = [...tokens].sort((a, b) => b.length - a.length);
    this.codes = this.tokens.map((_, i) => String.fromCharCode(i + 1));
  }

  pack(json: string): string {
    let s = json;
    for (let i = 0; i < this.tokens.length; i++) if (s.includes(this.tokens[i]!)) s = s.split(this.tokens[i]!).join(this.codes[i]!);
    return s;
  }

  unpack(packed: string): string {
    return packed.replace(CONTROL, (c) => this.tokens[c.charCodeAt(0) - 1] ?? c);
  }
}

const CONTROL = /[\x01-\x1f]/g;
const packers = new Map<string, StatePacker>();

/** The packer of a reference service (by its name in the store), or one that packs nothing. */
export function statePackerFor(service: string): StatePacker {
  let p = packers.get(service);
  if (!p) packers.set(service, (p = new StatePacker(serviceHandlers[service as ServiceName]?.stateTokens ?? [])));
  return p;
}
