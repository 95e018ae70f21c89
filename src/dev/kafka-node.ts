import fs from 'node:fs/promises';
import path from 'node:path';
import { type KafkaDist, kafkaLogConfig, runKafkaClass } from './kafka-dist.js';
import { spawnDetached } from './processes.js';

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
 */
export function nodeProperties(node: KafkaNodeState, all: KafkaNodeState[]): string {
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
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')
    .concat('\n');
}

export async function writeNodeFiles(node: KafkaNodeState, all: KafkaNodeState[], dist: KafkaDist): Promise<void> {
  await fs.mkdir(path.join(node.dir, 'data'), { recursive: true });
  await fs.writeFile(path.join(node.dir, 'server.properties'), nodeProperties(node, all));
  const logConfig = kafkaLogConfig(dist.logging, path.join(node.dir, 'server.log'));
  await fs.writeFile(path.join(node.dir, logConfig.name), logConfig.text);
}

/** Format a node's log dir with the cluster id (skipped when it already holds one). */
export async function formatNode(node: KafkaNodeState, clusterId: string, dist: KafkaDist, java: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (await hasMetaProperties(node)) return;
  await runKafkaClass(dist, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', path.join(node.dir, 'server.properties'), '--ignore-formatted'], env, java);
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
