import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir } from '../../src/config/paths.js';
import { DEFAULT_REGISTRY_VERSION, ensureRegistryDist } from '../../src/dev/registry-dist.js';

/**
 * The verdicts recorded in test/fixtures/avro-compat/validity.json (which the unit tests hold our
 * parser and checker to) are Avro Java's: test/fixtures/java/AvroVerdicts.java, compiled against
 * the schema registry's own jars, gives the same ones today. After adding cases to the fixture,
 * run this file with STREAMFLOW_RECORD_AVRO_VERDICTS=1 to write Java's verdicts into it.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/avro-compat/validity.json', import.meta.url));
const HARNESS = fileURLToPath(new URL('../fixtures/java/AvroVerdicts.java', import.meta.url));

interface Verdicts {
  avroVersion: string;
  schemas: Array<{ name: string; valid: boolean; error?: string }>;
  pairs: Array<{ name: string; compatible: boolean; incompatibilities: Array<{ kind: string; location: string }> }>;
}

let workDir: string;
let java: Verdicts;
let recorded: Verdicts;

beforeAll(async () => {
  const jar = await ensureRegistryDist(DEFAULT_REGISTRY_VERSION, cacheDir(process.env), () => undefined);
  const classpath = path.join(path.dirname(jar), 'lib', '*');
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-avro-java-'));
  const javac = spawnSync('javac', ['-cp', classpath, '-d', workDir, HARNESS], { encoding: 'utf8' });
  if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr || javac.error?.message}`);
  const run = spawnSync('java', ['-Xmx256m', '-cp', `${workDir}${path.delimiter}${classpath}`, 'AvroVerdicts', FIXTURE], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`AvroVerdicts failed: ${run.stderr}`);
  java = JSON.parse(run.stdout) as Verdicts;
  if (process.env.STREAMFLOW_RECORD_AVRO_VERDICTS === '1') await record(java);
  recorded = JSON.parse(await fs.readFile(FIXTURE, 'utf8')) as Verdicts;
});

afterAll(async () => {
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

async function record(v: Verdicts): Promise<void> {
  const doc = JSON.parse(await fs.readFile(FIXTURE, 'utf8'));
  doc.avroVersion = v.avroVersion;
  doc.schemas = doc.schemas.map((c: { name: string; schema: string }, i: number) => {
    const { valid, error } = v.schemas[i]!;
    return { name: c.name, schema: c.schema, valid, ...(error ? { javaError: error } : {}) };
  });
  doc.pairs = doc.pairs.map((c: { name: string; reader: string; writer: string }, i: number) => {
    const { compatible, incompatibilities } = v.pairs[i]!;
    return { name: c.name, reader: c.reader, writer: c.writer, compatible, incompatibilities };
  });
  await fs.writeFile(FIXTURE, JSON.stringify(doc, null, 2) + '\n');
}

describe("the recorded Avro verdicts are Avro Java 1.12.0's", () => {
  it('runs the Avro the registry runs', () => {
    expect(java.avroVersion).toBe('1.12.0');
    expect(recorded.avroVersion).toBe(java.avroVersion);
  });

  it('accepts and rejects the same schemas', () => {
    const verdict = (c: { name: string; valid: boolean }) => ({ name: c.name, valid: c.valid });
    expect(recorded.schemas.map(verdict)).toEqual(java.schemas.map(verdict));
  });

  it('finds the same reader/writer incompatibilities', () => {
    const verdict = (c: Verdicts['pairs'][number]) => ({ name: c.name, compatible: c.compatible, incompatibilities: c.incompatibilities });
    expect(recorded.pairs.map(verdict)).toEqual(java.pairs.map(verdict));
  });
});
