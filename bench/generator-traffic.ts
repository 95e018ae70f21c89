/** The traffic both sides of `bench generator` send: the CLI's defaults, a fixed seed, no duplicates or poison. */
export const TRAFFIC = { seed: 1, users: 10_000, cancelShare: 0.05, duplicates: 0, poison: 0, keyBy: 'order_id', compression: 'none', idempotent: true } as const;
