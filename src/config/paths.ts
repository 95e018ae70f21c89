import os from 'node:os';
import path from 'node:path';

/** Where streamflow keeps things; each can be moved with an env var (tests use temp dirs). */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  if (env.STREAMFLOW_CONFIG) return env.STREAMFLOW_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'streamflow', 'config.yaml');
}

/** Downloads (Kafka jars, the registry distribution, Redis) shared by every stack. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.STREAMFLOW_CACHE_DIR) return env.STREAMFLOW_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'streamflow');
}

/** Data dirs, pids and logs of the local dev stack, and the `local` context it writes. */
export function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.STREAMFLOW_STATE_DIR) return env.STREAMFLOW_STATE_DIR;
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'streamflow');
}

export function localContextPath(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir(env), 'local-context.json');
}
