/**
 * The order states this process last wrote or read, so a batch can run its handlers before
 * asking the store (one round trip per batch instead of two). A stale entry costs only a
 * re-run: the store checks every state a handler read (see StateGuard) and answers 'conflict'.
 *
 * Bounded, least recently used first, in two generations: entries go into the current one, and
 * when it is full it becomes the old one and the oldest generation is dropped whole; a hit in
 * the old generation moves to the current one. (A single Map evicting its first key degrades
 * to tens of microseconds per insert once full: V8 walks the deleted entries at its head.)
 */
export class StateCache {
  private current = new Map<string, Record<string, unknown>>();
  private old = new Map<string, Record<string, unknown>>();
  private readonly generationSize: number;

  /** Holds at most `capacity` states, and at least half as many of the most recent. */
  constructor(capacity = 100_000) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get(orderId: string): Record<string, unknown> | undefined {
    const s = this.current.get(orderId);
    if (s !== undefined) return s;
    const aged = this.old.get(orderId);
    if (aged !== undefined) {
      this.old.delete(orderId);
      this.put(orderId, aged);
    }
    return aged;
  }

  set(orderId: string, state: Record<string, unknown>): void {
    this.old.delete(orderId);
    this.put(orderId, state);
  }

  forget(orderId: string): void {
    this.current.delete(orderId);
    this.old.delete(orderId);
  }

  get size(): number {
    return this.current.size + this.old.size;
  }

  private put(orderId: string, state: Record<string, unknown>): void {
    if (!this.current.has(orderId) && this.current.size >= this.generationSize) {
      this.old = this.current;
      this.current = new Map();
    }
    this.current.set(orderId, state);
  }
}
