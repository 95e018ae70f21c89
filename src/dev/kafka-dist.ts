import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { pathExists } from './path-exists.js';
import { runTool } from './tools.js';

/**
 * The newest Kafka whose whole dependency tree is on Maven Central and passes our suite.
 * (4.4.0's kafka_2.13 is published but kafka-tools-api 4.4.0 is not, so it cannot resolve.)
 */
export const DEFAULT_KAFKA_VERSION = '4.3.1';

export interface KafkaDist {
  version: string;
  /** `java -cp` value: the JVM expands the quoted wildcard itself. */
  classpath: string;
  /** Kafka 3.x logs through log4j 1 (reload4j), 4.x through log4j 2. */
  logging: 'log4j1' | 'log4j2';
}

const MAVEN_INSTALL = 'install Maven (apt-get install maven): streamflow assembles Kafka from Maven Central jars';

/**
 * Assemble Kafka (broker + kafka-tools, for the perf-test and consumer-groups references)
 * from Maven Central into the cache; later calls return at once.
 */
export async function ensureKafkaDist(version: string, cache: string, log: (m: string) => void): Promise<KafkaDist> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new UsageError(`Kafka version "${version}" is not x.y.z`, `e.g. --kafka-version ${DEFAULT_KAFKA_VERSION}`);
  const major = Number(version.split('.')[0]);
  if (major < 3 || (major === 3 && Number(version.split('.')[1]) < 7)) {
    throw new UsageError(`Kafka ${version} is too old for the KRaft dev stack`, 'use 3.7.0 or newer (verified: 3.9.x and 4.x)');
  }
  const logging = major >= 4 ? 'log4j2' : 'log4j1';
  const dir = path.join(cache, 'kafka', version);
  const dist = { version, classpath: path.join(dir, 'libs', '*'), logging } as const;
  if (await pathExists(path.join(dir, '.complete'))) return dist;

  log(`Fetching Apache Kafka ${version} and kafka-tools from Maven Central into ${dir} (first run only)...`);
  // The published POMs carry no logging backend; pick the one each major line expects.
  const backend =
    logging === 'log4j2'
      ? [dep('org.apache.logging.log4j', 'log4j-core', '2.24.3'), dep('org.apache.logging.log4j', 'log4j-slf4j-impl', '2.24.3'), dep('org.slf4j', 'slf4j-api', '1.7.36')]
      : [dep('ch.qos.reload4j', 'reload4j', '1.2.25'), dep('org.slf4j', 'slf4j-reload4j', '1.7.36')];
  await copyFromMaven(dir, 'kafka-dist', version, [dep('org.apache.kafka', 'kafka_2.13', version), dep('org.apache.kafka', 'kafka-tools', version), ...backend]);
  return dist;
}

/**
 * Kafka Streams (and its dependencies) at `version` from Maven Central into the cache, for the
 * benchmarks' exactly-once reference; returns a `java -cp` entry to put before the Kafka dist's.
 */
export async function ensureKafkaStreams(version: string, cache: string, log: (m: string) => void): Promise<string> {
  const dir = path.join(cache, 'kafka-streams', version);
  if (!(await pathExists(path.join(dir, '.complete')))) {
    log(`Fetching Kafka Streams ${version} from Maven Central into ${dir} (first run only)...`);
    await copyFromMaven(dir, 'kafka-streams', version, [dep('org.apache.kafka', 'kafka-streams', version)]);
  }
  return path.join(dir, 'libs', '*');
}

const dep = (g: string, a: string, v: string) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;

/** Resolve `deps` with Maven and copy every runtime jar into `dir`/libs; `dir`/.complete marks success. */
async function copyFromMaven(dir: string, artifactId: string, version: string, deps: string[]): Promise<void> {
  const libs = path.join(dir, 'libs');
  await fs.rm(libs, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'pom.xml'), pom(artifactId, version, deps));
  try {
    await runTool('mvn', ['-B', '-q', '-f', path.join(dir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libs}`], {
      install: MAVEN_INSTALL,
    });
  } catch (err) {
    if (/Could not (find|resolve)/.test(String((err as Error).message))) {
      throw new UsageError(`Kafka ${version} cannot be assembled from Maven Central: ${firstLine((err as Error).message)}`, `try --kafka-version ${DEFAULT_KAFKA_VERSION}`);
    }
    throw err;
  }
  await fs.writeFile(path.join(dir, '.complete'), new Date().toISOString());
}

function pom(artifactId: string, version: string, deps: string[]): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>streamflow.dev</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${deps.join('\n')}
  </dependencies>
</project>
`;
}

/** A logging config that writes everything to `file` (the broker's stdout stays quiet). */
export function kafkaLogConfig(logging: KafkaDist['logging'], file: string): { name: string; text: string; jvmFlag: string } {
  if (logging === 'log4j2') {
    return {
      name: 'log4j2.properties',
      jvmFlag: '-Dlog4j2.configurationFile=',
      text: [
        'status = error',
        'appender.file.type = File',
        'appender.file.name = FILE',
        `appender.file.fileName = ${file}`,
        'appender.file.layout.type = PatternLayout',
        'appender.file.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.file.ref = FILE',
        'logger.kafka.name = org.apache.kafka',
        'logger.kafka.level = INFO',
        '',
      ].join('\n'),
    };
  }
  return {
    name: 'log4j.properties',
    jvmFlag: '-Dlog4j.configuration=file:',
    text: [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${file}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  };
}

/** Run a Kafka main class from the cached jars (StorageTool, ProducerPerformance, ...). */
export async function runKafkaClass(dist: KafkaDist, mainClass: string, args: string[], env: NodeJS.ProcessEnv, java: string, timeoutMs?: number) {
  return runTool(java, ['-Xmx512m', '-cp', dist.classpath, ...quietLoggingFlags(dist), mainClass, ...args], {
    env,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

function quietLoggingFlags(dist: KafkaDist): string[] {
  // Tools log only warnings to stderr; their results go to stdout.
  return dist.logging === 'log4j2' ? ['-Dlog4j2.level=WARN', '-Dlog4j2.rootLevel=WARN'] : ['-Dlog4j.rootLogger=WARN'];
}


function firstLine(s: string): string {
  return s.split('\n').find((l) => /Could not/.test(l))?.replace(/^\[ERROR\]\s*/, '') ?? s.split('\n')[0] ?? s;
}
