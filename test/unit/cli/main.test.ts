import { describe, expect, it } from 'vitest';
import { runMain as run } from '../../run-main.js';
import { closest } from '../../../src/cli/suggest.js';


describe('main()', () => {
  it('prints help on stdout and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('streamflow dev <command>');
  });

  it('names the right flag for a mistyped one, exit 2', async () => {
    const r = await run(['topic', 'list', '--brokrs', 'x:1']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option --brokrs: did you mean --brokers?');
  });

  it('names a mistyped flag even when a required one is missing because of it, exit 2', async () => {
    const r = await run(['topic', 'create', 'X', '--partitons', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option --partitons: did you mean --partitions?');
    expect(r.err).toContain('also: missing required argument: partitions');
  });

  it('names every unknown flag, long and short, and leaves declared aliases alone', async () => {
    const r = await run(['lag', '-g', 'g1', '--fail-abov', '3', '-z']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown option --fail-abov: did you mean --fail-above?');
    expect(r.err).toContain('unknown option -z');
    expect(r.err).not.toContain('-g');
  });

  it('reads a value that starts with a dash as the value of the flag before it', async () => {
    const r = await run(['dlq', 'redrive', 'T', '--rate', '-5/s']);
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('unknown argument');
    expect(r.err).toContain('"-5/s"');
  });

  it('suggests the command for a mistyped one, exit 2', async () => {
    const r = await run(['topic', 'lsit']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean list?');
  });

  it('explains how to configure brokers when none are set, exit 2', async () => {
    const r = await run(['topic', 'list']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no Kafka brokers configured');
    expect(r.err).toContain('streamflow dev up');
  });
});

describe('closest', () => {
  it('finds near misses only', () => {
    expect(closest('partitons', ['partitions', 'replication-factor'])).toBe('partitions');
    expect(closest('zzz', ['partitions'])).toBeUndefined();
  });
});
