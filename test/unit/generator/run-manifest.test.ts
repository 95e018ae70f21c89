import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunManifestWriter, addPoisonEntry, addValidEntry, newManifestEntries, readRunManifest } from '../../../src/generator/run-manifest.js';

describe('run manifest', () => {
  let dir: string | undefined;
  afterEach(async () => dir && fs.rm(dir, { recursive: true, force: true }));

  it('keeps the lines of a failed send apart, as in doubt, and reads them back', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-manifest-'));
    const env = { STREAMFLOW_STATE_DIR: dir };
    const writer = await RunManifestWriter.create(env, { runId: 'r1', topic: 'checkout.orders', seed: 1, keyBy: 'order_id' });
    const acked = newManifestEntries();
    addValidEntry(acked, 'e-1', 'OrderCreated', 'o-1', 'o-1');
    writer.append(acked);
    const failed = newManifestEntries();
    addValidEntry(failed, 'e-2', 'OrderCreated', 'o-2', 'o-2');
    addPoisonEntry(failed, 'p-1', 'bad-magic-byte', 'o-3');
    writer.appendInDoubt(failed);
    const manifest = await writer.finish();
    expect(manifest.counts).toMatchObject({ sent: 1, valid: 1, poison: 0, inDoubt: 2 });

    const read = await readRunManifest(env, 'r1');
    expect(read.valid.map((v) => v.eventId)).toEqual(['e-1']);
    expect(read.poison).toEqual([]);
    expect(read.inDoubt.valid.map((v) => v.eventId)).toEqual(['e-2']);
    expect(read.inDoubt.poison).toEqual([{ eventId: 'p-1', kind: 'bad-magic-byte', orderId: 'o-3' }]);
  });

  it('a run without failed sends has no in-doubt files and reads back with none', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-manifest-'));
    const env = { STREAMFLOW_STATE_DIR: dir };
    await (await RunManifestWriter.create(env, { runId: 'r2', topic: 'checkout.orders', seed: 1, keyBy: 'order_id' })).finish();
    expect(await fs.readdir(path.join(dir, 'runs', 'r2'))).not.toContain('in-doubt-valid.tsv');
    expect((await readRunManifest(env, 'r2')).inDoubt).toEqual({ valid: [], poison: [] });
  });
});
