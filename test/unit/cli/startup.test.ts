import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Start-up cost is module loading: `streamflow --help` loads yargs and the CLI shell, never
 * the clients and UI that commands use. (`npm run bench -- startup` measures the time.)
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const HEAVY = ['kafkajs', 'ioredis', 'ink', 'react', 'avsc', 'yaml', 'zod', '@kafkajs/confluent-schema-registry'];

function importsOf(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', path.join(ROOT, 'test/fixtures/startup/record-imports.mjs'), path.join(ROOT, 'bin/streamflow'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, STREAMFLOW_CONFIG: '/nonexistent/config.yaml', STREAMFLOW_STATE_DIR: '/nonexistent/state' },
  });
  return r.stderr.split('\n').filter((l) => l.startsWith('import: ')).map((l) => l.slice('import: '.length));
}

const packagesIn = (urls: string[]) => new Set(urls.flatMap((u) => [...u.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]!)));

describe('start-up', () => {
  it('streamflow --help loads none of the clients or the UI', () => {
    const urls = importsOf(['--help']);
    expect(urls.some((u) => u.includes('/dist/src/cli/main.js'))).toBe(true);
    const loaded = packagesIn(urls);
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual([]);
  });

  it('a command loads its own module only', () => {
    const urls = importsOf(['partition', '--key', 'k', '--partitions', '3']);
    const commands = urls.filter((u) => /\/dist\/commands\/[^/]+\.js$/.test(u)).map((u) => path.basename(u));
    expect(commands.sort()).toEqual(['index.js', 'partition.js']);
  });

  it('a SIGTERM while the CLI is still loading stops the command cleanly (130), not by the signal (143)', () => {
    const r = spawnSync(process.execPath, ['-r', path.join(ROOT, 'test/fixtures/startup/sigterm-on-load.cjs'), path.join(ROOT, 'bin/streamflow'), 'produce', 'checkout', '--count', '10', '--brokers', '127.0.0.1:9', '--registry', 'http://127.0.0.1:9'], {
      encoding: 'utf8',
      env: { ...process.env, STREAMFLOW_CONFIG: '/nonexistent/config.yaml', STREAMFLOW_STATE_DIR: '/nonexistent/state' },
      timeout: 60_000,
    });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 130, signal: null });
    expect(r.stderr).toContain('interrupted');
  });
});
