import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';

/**
 * Every top-level command: its usage and summary (what `streamflow --help` lists) and how to
 * load it. main() imports only the module of the command that runs, so `--help` and each
 * command start without loading every other command's dependencies (kafkajs, ioredis, Ink).
 */
export interface CommandEntry {
  command: string;
  describe: string;
  // Typed loosely here: yargs' builder types do not compose across modules.
  load(): Promise<Omit<CommandModule<GlobalArgs, never>, 'builder' | 'handler'>>;
}

export const commandEntries: CommandEntry[] = [
  { command: 'dev <command>', describe: 'Run a local Kafka (KRaft), schema registry and Redis on 127.0.0.1', load: async () => (await import('./dev.js')).devCommand },
  { command: 'config <command>', describe: 'Inspect configuration and contexts', load: async () => (await import('./config.js')).configCommand },
  { command: 'topic <command>', describe: 'Create, inspect, grow, reconfigure and delete topics; plan partition counts', load: async () => (await import('./topic.js')).topicCommand },
  { command: 'produce <command>', describe: 'Generate traffic', load: async () => (await import('./produce.js')).produceCommand },
  { command: 'schema <command>', describe: 'Event contracts in the schema registry: list, get, register, config, check, delete', load: async () => (await import('./schema.js')).schemaCommand },
  { command: 'topology <command>', describe: 'Plan and apply a topology file (topics, partitions, replication, configs)', load: async () => (await import('./topology.js')).topologyCommand },
  { command: 'partition', describe: "The partition Kafka's default partitioner (Java client and kafkajs) picks for a key", load: async () => (await import('./partition.js')).partitionCommand },
  { command: 'consume', describe: 'Run the reference checkout services (idempotent, ordered, retries, DLQ, saga compensation)', load: async () => (await import('./consume.js')).consumeCommand },
  { command: 'runtime <command>', describe: "Size the runtime's Redis state (dedup marks and order states) for a rate and window", load: async () => (await import('./runtime.js')).runtimeCommand },
  { command: 'lag [action]', describe: 'Consumer lag per group and partition: records, time behind, rate, ETA and verdicts; a CI/alert gate; `lag serve` exports it to Prometheus', load: async () => (await import('./lag.js')).lagCommand },
  { command: 'offsets <command>', describe: 'Reset and export consumer-group offsets', load: async () => (await import('./offsets.js')).offsetsCommand },
  { command: 'dlq <command>', describe: 'Dead-letter queues: list, browse with decoded payloads, redrive as a resumable job', load: async () => (await import('./dlq.js')).dlqCommand },
  { command: 'verify', describe: 'Prove a generator run: nothing lost, nothing applied twice, poison in the DLQ, sagas consistent', load: async () => (await import('./verify.js')).verifyCommand },
  { command: 'dashboard', describe: 'Keyboard-driven terminal dashboard: cluster, topics, consumer lag, DLQ browse and redrive, offset resets, schemas, services', load: async () => (await import('./dashboard.js')).dashboardCommand },
  { command: 'demo', describe: 'Run the checkout surge end to end (stack, topology, contracts, generator, services, dashboard, verify)', load: async () => (await import('./demo.js')).demoCommand },
  { command: 'completion <shell>', describe: 'Print a shell completion script for commands, subcommands and flags', load: async () => (await import('./completion.js')).completionCommand },
];
