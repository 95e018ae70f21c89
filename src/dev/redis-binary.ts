import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { pathExists } from './path-exists.js';
import { ensureDebianPackages } from './debian-packages.js';

export interface RedisBinary {
  command: string;
  /** redis-cli from the same install (Debian's redis-tools), which creates a Redis Cluster. */
  cli: string;
  /** Extra env (LD_LIBRARY_PATH) for a binary unpacked from Debian packages. */
  env: NodeJS.ProcessEnv;
  source: 'path' | 'env' | 'cache';
}

const DEBIAN_PACKAGES = ['redis-server', 'redis-tools', 'libjemalloc2', 'liblzf1'];
const INSTALL_HINT = 'install it with `apt-get install redis-server` (Debian/Ubuntu), or point STREAMFLOW_REDIS_SERVER at a redis-server binary';

/**
 * Find redis-server: $STREAMFLOW_REDIS_SERVER, then PATH, then our cache. When none is there,
 * fetch Debian's packages with `apt-get download` (no root needed) and unpack them into the
 * cache, so a fresh machine needs no manual install step.
 */
export async function ensureRedisBinary(env: NodeJS.ProcessEnv, cache: string, log: (m: string) => void): Promise<RedisBinary> {
  if (env.STREAMFLOW_REDIS_SERVER) {
    const command = env.STREAMFLOW_REDIS_SERVER;
    return { command, cli: env.STREAMFLOW_REDIS_CLI ?? path.join(path.dirname(command), 'redis-cli'), env: {}, source: 'env' };
  }
  const onPath = await which('redis-server', env);
  if (onPath) return { command: onPath, cli: env.STREAMFLOW_REDIS_CLI ?? (await which('redis-cli', env)) ?? path.join(path.dirname(onPath), 'redis-cli'), env: {}, source: 'path' };

  const root = path.join(cache, 'redis', os.arch());
  const cachedBefore = await pathExists(path.join(root, '.complete'));
  if (!cachedBefore) log(`redis-server is not installed: fetching Debian's ${DEBIAN_PACKAGES.join(', ')} packages with apt-get download into ${root}...`);
  try {
    const { bin, libDir } = await ensureDebianPackages(root, DEBIAN_PACKAGES, env, INSTALL_HINT);
    if (!cachedBefore) log(`redis-server unpacked into ${root}`);
    return { command: path.join(bin, 'redis-server'), cli: path.join(bin, 'redis-cli'), env: { LD_LIBRARY_PATH: libDir }, source: 'cache' };
  } catch (err) {
    throw new UsageError(`redis-server is missing and could not be fetched: ${(err as Error).message.split('\n')[0]}`, INSTALL_HINT);
  }
}

async function which(cmd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, cmd);
    try {
      await fs.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

