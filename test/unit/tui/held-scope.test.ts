import { describe, expect, it } from 'vitest';
import { HeldScope } from '../../../src/tui/data/held-scope.js';

/** A with*-style scope that counts how often it was opened and closed. */
function counting(failFirst = false) {
  const log: string[] = [];
  let opened = 0;
  const scope = new HeldScope<number>(async (use) => {
    const n = ++opened;
    if (failFirst && n === 1) throw new Error('cannot connect');
    log.push(`open ${n}`);
    try {
      await use(n);
    } finally {
      log.push(`close ${n}`);
    }
  });
  return { scope, log };
}

describe('HeldScope', () => {
  it('opens once for many uses and closes on close()', async () => {
    const { scope, log } = counting();
    expect(await Promise.all([scope.get(), scope.get()])).toEqual([1, 1]);
    expect(await scope.get()).toBe(1);
    await scope.close();
    expect(log).toEqual(['open 1', 'close 1']);
  });

  it('reopens after a failed open and after drop()', async () => {
    const { scope, log } = counting(true);
    await expect(scope.get()).rejects.toThrow('cannot connect');
    expect(await scope.get()).toBe(2);
    scope.drop();
    expect(await scope.get()).toBe(3);
    await scope.close();
    // drop() does not wait: the old scope closes while the new one opens.
    expect([...log].sort()).toEqual(['close 2', 'close 3', 'open 2', 'open 3']);
  });
});
