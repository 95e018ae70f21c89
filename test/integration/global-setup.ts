import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { devDown, devUp } from '../../src/dev/stack.js';

export interface TestStack {
  brokers: string[];
  registryUrl: string;
  redisUrl: string;
  /** State dir of the stack the harness started (null when the env gave one). */
  stateDir: string | null;
  /** Where testEnv() makes each CLI run's config and state home; removed after the run. */
  homesDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

/**
 * One real stack per test run: Kafka (KRaft) + Apicurio Registry + Redis on free loopback
 * ports, in a temp state dir, torn down (and purged) at the end. Set STREAMFLOW_TEST_BROKERS,
 * STREAMFLOW_TEST_REGISTRY and STREAMFLOW_TEST_REDIS to run against an existing stack instead.
 */
/** STREAMFLOW_TEST_KAFKA_VERSION runs the suite on another Kafka (e.g. 3.9.2). */
export function kafkaVersionUnderTest(): { kafkaVersion?: string } {
  return process.env.STREAMFLOW_TEST_KAFKA_VERSION ? { kafkaVersion: process.env.STREAMFLOW_TEST_KAFKA_VERSION } : {};
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const homesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-test-homes-'));
  const removeHomes = () => fs.rm(homesDir, { recursive: true, force: true });
  const given = process.env.STREAMFLOW_TEST_BROKERS;
  if (given) {
    project.provide('stack', {
      brokers: given.split(','),
      registryUrl: process.env.STREAMFLOW_TEST_REGISTRY ?? '',
      redisUrl: process.env.STREAMFLOW_TEST_REDIS ?? '',
      stateDir: null,
      homesDir,
    });
    return removeHomes;
  }
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-test-stack-'));
  const env = { ...process.env, STREAMFLOW_STATE_DIR: stateDir };
  const t0 = Date.now();
  const up = await devUp({ ...kafkaVersionUnderTest(), env, log: (m) => process.stderr.write(`[stack] ${m}\n`) });
  process.stderr.write(`[stack] up in ${((Date.now() - t0) / 1000).toFixed(1)} s: kafka ${up.kafka.bootstrap}, registry ${up.registry?.url}, redis ${up.redis?.url}\n`);
  project.provide('stack', { brokers: up.kafka.bootstrap.split(','), registryUrl: up.registry!.url, redisUrl: up.redis!.url, stateDir, homesDir });
  return async () => {
    await devDown(env, { purge: true });
    await fs.rm(stateDir, { recursive: true, force: true });
    await removeHomes();
  };
}
