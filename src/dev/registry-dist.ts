import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { pathExists } from './path-exists.js';
import { runTool } from './tools.js';

/**
 * Apicurio Registry 3.0.9: the newest release on Maven Central that runs on Java 17
 * (3.3.x is built for Java 21). It serves the Confluent REST API under /apis/ccompat/v7.
 */
export const DEFAULT_REGISTRY_VERSION = '3.0.9';

/** Unpack the registry distribution into the cache once; returns the runnable jar. */
export async function ensureRegistryDist(version: string, cache: string, log: (m: string) => void): Promise<string> {
  const dir = path.join(cache, 'apicurio-registry', version);
  if (await pathExists(path.join(dir, '.complete'))) return findRunner(dir);
  log(`Fetching Apicurio Registry ${version} from Maven Central into ${dir} (first run only, ~160 MB)...`);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await runTool('mvn', ['-B', '-q', 'dependency:unpack', `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`, `-DoutputDirectory=${dir}`], {
    cwd: dir,
    install: 'install Maven (apt-get install maven): streamflow fetches the schema registry from Maven Central',
  });
  const runner = await findRunner(dir);
  await fs.writeFile(path.join(dir, '.complete'), new Date().toISOString());
  return runner;
}

// The runnable jar moved between releases: *-runner.jar, quarkus-app/quarkus-run.jar, quarkus-run.jar.
async function findRunner(dir: string): Promise<string> {
  const top = await fs.readdir(dir);
  const runner = top.find((f) => f.endsWith('-runner.jar')) ?? (top.includes('quarkus-run.jar') ? 'quarkus-run.jar' : undefined);
  if (runner) return path.join(dir, runner);
  if (await pathExists(path.join(dir, 'quarkus-app', 'quarkus-run.jar'))) return path.join(dir, 'quarkus-app', 'quarkus-run.jar');
  throw new UsageError(`no runnable jar found in the Apicurio Registry distribution at ${dir}`);
}

