import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';

/** No config file, no dev stack, no brokers: whatever a test asks must be decided offline. */
export const OFFLINE_ENV: NodeJS.ProcessEnv = { CI: 'true', STREAMFLOW_CONFIG: '/nonexistent/config.yaml', STREAMFLOW_STATE_DIR: '/nonexistent/state' };

/** Run the CLI in-process with captured streams. */
export async function runMain(args: string[], env: NodeJS.ProcessEnv = OFFLINE_ENV): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(args, { stdout, stderr, env, signal: new AbortController().signal });
  return { code, out, err };
}
