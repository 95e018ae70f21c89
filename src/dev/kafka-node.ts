import fs from 'node:fs/promises';
import path from 'node:path';
import { type KafkaDist, kafkaLogConfig, runKafkaClass } from './kafka-dist.js';
import { spawnDetached } from './processes.js';
import { runTool } from './tools.js';
import { type SecureMaterial, writePrivate } from './secure-material.js';

export interface KafkaNodeState {
  id: number;
  port: number;
  controllerPort: number;
  pid: number | null;
  dir: string;
}

/**
 * server.properties for one combined broker+controller of a static KRaft quorum on loopback.
 * With 3 nodes the internal topics get RF 3 / min ISR 2, so acks=all survives one broker down.
 * With `secure`, clients and brokers talk SASL_SSL (SCRAM-SHA-512 over TLS); the controller
 * listener stays PLAINTEXT on loopback.
 */
export function nodeProperties(node: KafkaNodeState, all: KafkaNodeState[], secure?: SecureMaterial): string {
  const n = all.length;
  const rf = Math.min(3, n);
  const minIsr = n >= 3 ? 2 : 1;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': all.map((x) => `${x.id}@127.0.0.1:${x.controllerPort}`).join(','),
    listeners: `PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': path.join(node.dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    // Topics come from `topic create` / `topology apply`, never from a typo in a producer.
    'auto.create.topics.enable': false,
    // The default adds 3 s to every consumer group join.
    'group.initial.rebalance.delay.ms': 0,
    // A deleted topic's files (and their open descriptors) go after a second, not a minute: the
    // benchmarks create and delete 10,000 partitions, and two runs in a row went over the
    // broker's open-file limit (20,000 here), leaving partitions it could not create.
    'log.segment.delete.delay.ms': 1000,
  };
  if (secure) Object.assign(props, secureProperties(node, secure));
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}

function secureProperties(node: KafkaNodeState, m: SecureMaterial): Record<string, string> {
  return {
    listeners: `SASL_SSL://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `SASL_SSL://127.0.0.1:${node.port}`,
    'inter.broker.listener.name': 'SASL_SSL',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'sasl.enabled.mechanisms': m.kafka.mechanism,
    'sasl.mechanism.inter.broker.protocol': m.kafka.mechanism,
    // Brokers replicate as the same SCRAM user the clients use (no ACLs on the dev stack).
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${m.kafka.username}" password="${m.kafka.password}";`,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': m.keystore,
    'ssl.keystore.password': m.storePassword,
    'ssl.key.password': m.storePassword,
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': m.truststore,
    'ssl.truststore.password': m.storePassword,
    'ssl.client.auth': 'none',
  };
}

export async function writeNodeFiles(node: KafkaNodeState, all: KafkaNodeState[], dist: KafkaDist, secure?: SecureMaterial): Promise<void> {
  await fs.mkdir(path.join(node.dir, 'data'), { recursive: true });
  const file = path.join(node.dir, 'server.properties');
  // The secure variant holds the store and SCRAM passwords: readable by its owner only.
  await (secure ? writePrivate(file, nodeProperties(node, all, secure)) : fs.writeFile(file, nodeProperties(node, all)));
  const logConfig = kafkaLogConfig(dist.logging, path.join(node.dir, 'server.log'));
  await fs.writeFile(path.join(node.dir, logConfig.name), logConfig.text);
}

/**
 * Format a node's log dir with the cluster id (skipped when it already holds one). When secure,
 * the SCRAM user is created in the bootstrap metadata; its password goes through a 0600 Java
 * @argfile so it never shows on a command line.
 */
export async function formatNode(node: KafkaNodeState, clusterId: string, dist: KafkaDist, java: string, env: NodeJS.ProcessEnv, secure?: SecureMaterial): Promise<void> {
  if (await hasMetaProperties(node)) return;
  const args = ['format', '-t', clusterId, '-c', path.join(node.dir, 'server.properties'), '--ignore-formatted'];
  if (!secure) return void (await runKafkaClass(dist, 'kafka.tools.StorageTool', args, env, java));
  // The launcher expands an @argfile only before the main class, so the whole command goes in it.
  const argfile = path.join(node.dir, 'format.args');
  const scram = `${secure.kafka.mechanism}=[name=${secure.kafka.username},password=${secure.kafka.password}]`;
  await writePrivate(argfile, ['-Xmx512m', '-cp', dist.classpath, 'kafka.tools.StorageTool', ...args, '--add-scram', scram].map((a) => `"${a}"`).join('\n'));
  try {
    await runTool(java, [`@${argfile}`], { env });
  } finally {
    await fs.rm(argfile, { force: true });
  }
}

async function hasMetaProperties(node: KafkaNodeState): Promise<boolean> {
  return fs.access(path.join(node.dir, 'data', 'meta.properties')).then(
    () => true,
    () => false,
  );
}

export async function randomClusterId(dist: KafkaDist, java: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await runKafkaClass(dist, 'kafka.tools.StorageTool', ['random-uuid'], env, java);
  return stdout.trim().split('\n').pop()!.trim();
}

export function startNode(node: KafkaNodeState, dist: KafkaDist, java: string, env: NodeJS.ProcessEnv): number {
  const logConfig = kafkaLogConfig(dist.logging, path.join(node.dir, 'server.log'));
  return spawnDetached(
    java,
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `${logConfig.jvmFlag}${path.join(node.dir, logConfig.name)}`,
      '-cp',
      dist.classpath,
      'kafka.Kafka',
      path.join(node.dir, 'server.properties'),
    ],
    { logFile: path.join(node.dir, 'stdout.log'), cwd: node.dir, env },
  );
}
