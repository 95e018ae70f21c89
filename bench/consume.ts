import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from '../src/config/paths.js';
import { packageRoot } from '../src/config/package-root.js';
import { requireBrokers, resolveConnection } from '../src/config/resolve-connection.js';
import { ensureDebianPackages } from '../src/dev/debian-packages.js';
import { flagValue } from './flag-value.js';
import { BenchLeftovers } from './leftovers.js';

/**
 * `topic consume` reading a topic to its end into a file as JSON lines, beside Debian's kcat
 * (`kcat -C -e`, raw values, no decoding) reading the same records into a file, in one run:
 * 1,000,000 records of 256 B by default (goal: at least 0.5x kcat's records/s). Then the
 * Avro path: checkout events from the generator, decoded through the registry, beside kcat
 * on the same topic. Both tools run as processes, as an operator runs them.
 */
export async function benchConsume(args: string[]): Promise<Record<string, unknown>> {
  const records = Number(flagValue(args, '--records') ?? 1_000_000);
  const avroRecords = Number(flagValue(args, '--avro-records') ?? 200_000);
  const partitions = Number(flagValue(args, '--partitions') ?? 4);
  const runs = Number(flagValue(args, '--runs') ?? 3);
  const env = process.env;
  const conn = await resolveConnection({}, env);
  const bootstrap = requireBrokers(conn).join(',');
  const log = (m: string) => process.stderr.write(m + '\n');
  const kcat = await ensureKcat(env, log);
  const stamp = Date.now().toString(36);
  const leftovers = new BenchLeftovers(conn, log);
  const rawTopic = leftovers.topic(`bench.consume.${stamp}.raw`);
  const avroTopic = leftovers.topic(`bench.consume.${stamp}.avro`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-bench-consume-'));
  const streamflow = path.join(packageRoot(), 'bin', 'streamflow');
  try {
    for (const topic of [rawTopic, avroTopic]) await run(streamflow, ['topic', 'create', topic, '--partitions', String(partitions)], env);
    log(`writing ${records.toLocaleString('en-US')} records of 256 B to ${rawTopic} (${partitions} partitions) with kcat -P...`);
    const lines = path.join(work, 'values.txt');
    fs.writeFileSync(lines, Array.from({ length: records }, (_, i) => `record ${i} `.padEnd(256, 'abcdefghijklmnopqrstuvwxyz')).join('\n') + '\n');
    await run(kcat.command, ['-P', '-b', bootstrap, '-t', rawTopic, '-l', lines, '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000'], kcat.env);
    fs.rmSync(lines);
    log(`writing ${avroRecords.toLocaleString('en-US')} checkout events to ${avroTopic} with the generator...`);
    await run(streamflow, ['schema', 'register', '--dir', path.join(packageRoot(), 'schemas', 'checkout'), '--topic', avroTopic], env);
    await run(streamflow, ['produce', 'checkout', '--topic', avroTopic, '--count', String(avroRecords), '--rate', 'max', '--seed', '7'], env);

    const out = path.join(work, 'out');
    const kcatRead = (topic: string) => () => run(kcat.command, ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q'], kcat.env, out);
    const ours = (topic: string) => () => run(streamflow, ['topic', 'consume', topic, '--until', 'end'], env, out);
    const loadAtMeasure = os.loadavg().map(round2);
    const raw = { kcat: await timed(kcatRead(rawTopic), runs, out, records, log, 'kcat -C -e'), streamflow: await timed(ours(rawTopic), runs, out, records, log, 'streamflow topic consume') };
    const avro = { kcat: await timed(kcatRead(avroTopic), runs, out, undefined, log, 'kcat -C -e (Avro bytes)'), streamflow: await timed(ours(avroTopic), runs, out, avroRecords, log, 'streamflow topic consume (Avro decoded)') };
    const result = {
      name: 'consume',
      records,
      recordBytes: 256,
      partitions,
      raw: { kcatRecordsPerSec: rate(records, raw.kcat), streamflowRecordsPerSec: rate(records, raw.streamflow), kcatMs: raw.kcat, streamflowMs: raw.streamflow, ratio: round2(raw.kcat / raw.streamflow) },
      avro: { records: avroRecords, kcatRecordsPerSec: rate(avroRecords, avro.kcat), streamflowRecordsPerSec: rate(avroRecords, avro.streamflow), ratio: round2(avro.kcat / avro.streamflow) },
      goalRatio: 0.5,
      runsEach: runs,
      loadAverage: { measureStart: loadAtMeasure, end: os.loadavg().map(round2) },
    };
    log(
      `${records.toLocaleString('en-US')} records of 256 B to a file: streamflow ${result.raw.streamflowRecordsPerSec.toLocaleString('en-US')} records/s as JSON lines, ` +
        `kcat -C -e ${result.raw.kcatRecordsPerSec.toLocaleString('en-US')} records/s raw: ${result.raw.ratio}x (goal at least 0.5x; medians of ${runs}); ` +
        `Avro (${avroRecords.toLocaleString('en-US')} checkout events, decoded): ${result.avro.streamflowRecordsPerSec.toLocaleString('en-US')} records/s, kcat ${result.avro.kcatRecordsPerSec.toLocaleString('en-US')} (raw bytes), ${result.avro.ratio}x; ` +
        `load average ${loadAtMeasure.join(' ')} as the timings began, ${result.loadAverage.end.join(' ')} at end`,
    );
    return result;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await leftovers.delete();
  }
}

/** Debian's kcat (and librdkafka), fetched into our cache the way the dev stack fetches redis-server. */
async function ensureKcat(env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<{ command: string; env: NodeJS.ProcessEnv }> {
  const root = path.join(cacheDir(env), 'kcat', os.arch());
  const unpacked = await ensureDebianPackages(root, ['kcat', 'librdkafka1', 'libyajl2'], env, 'install it with `apt-get install kcat`');
  if (!unpacked.cached) log(`kcat unpacked from Debian's packages into ${root}`);
  return { command: path.join(unpacked.bin, 'kcat'), env: { ...env, LD_LIBRARY_PATH: unpacked.libDir } };
}

/** The median wall time of `runs` reads, each checked to have written `expected` lines (raw Avro has newlines of its own). */
async function timed(read: () => Promise<void>, runs: number, out: string, expected: number | undefined, log: (m: string) => void, what: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await read();
    times.push(performance.now() - t0);
    const lines = expected === undefined ? expected : countLines(out);
    if (lines !== expected) throw new Error(`${what} wrote ${lines} lines, expected ${expected}`);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  log(`${what}: ${times.map((t) => `${Math.round(t)} ms`).join(', ')} (load ${os.loadavg().map(round2).join(' ')})`);
  return Math.round(median);
}

function countLines(file: string): number {
  const buf = fs.readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
    const child = spawn(command, args, { env, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof fd === 'number') fs.closeSync(fd);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.slice(-500)}`));
    });
  });
}

function rate(records: number, ms: number): number {
  return Math.round(records / (ms / 1000));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
