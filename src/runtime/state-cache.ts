/**
 * The order states this process last wrote or read, so a batch can run its handlers before
 * asking the store (one round trip per batch instead of two). A stale entry costs only a
 * re-run: the store checks every state a handler read (see StateGuard) and answers 'conflict'.
 * Bounded: the least recently used entries go first.
 */
export class StateCache {
  private readonly states = new Map<string, Record<string, unknown>>();

  constructor(private readonly capacity = 100_000) {}

  get(orderId: string): Record<string, unknown> | undefined {
    const s = this.states.get(orderId);
    if (s) {
      this.states.delete(orderId);
      this.states.set(orderId, s);
    }
    return s;
  }

  set(orderId: string, state: Record<string, unknown>): void {
    this.states.delete(orderId);
    this.states.set(orderId, state);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }

  forget(orderId: string): void {
    this.states.delete(orderId);
  }
}
