/**
 * Keep a `with*` scope (withClusterSession, withTopicAdmin) open across refreshes instead of
 * connecting on every one: opened on first use, dropped after a connection failure so the
 * next use reconnects, and closed (the scope's own cleanup runs) on close().
 */
export class HeldScope<T> {
  private held: { value: Promise<T>; release(): void; closed: Promise<void> } | undefined;

  constructor(private readonly open: (use: (value: T) => Promise<void>) => Promise<void>) {}

  get(): Promise<T> {
    if (this.held) return this.held.value;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let give!: (value: T) => void;
    let fail!: (err: unknown) => void;
    const value = new Promise<T>((resolve, reject) => {
      give = resolve;
      fail = reject;
    });
    const held = { value, release, closed: Promise.resolve() };
    held.closed = this.open(async (v) => {
      give(v);
      await released;
    }).catch((err: unknown) => {
      fail(err);
      if (this.held === held) this.held = undefined;
    });
    this.held = held;
    return value;
  }

  /** Let the next get() reconnect; the old scope closes. */
  drop(): void {
    const held = this.held;
    this.held = undefined;
    held?.release();
  }

  async close(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    held?.release();
    await held?.closed;
  }
}
