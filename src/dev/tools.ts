import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';

const run = promisify(execFile);

/** Run an external tool; a missing binary becomes a UsageError that says how to install it. */
export async function runTool(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; install?: string; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 20 * 60_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new UsageError(`${command} is not installed`, opts.install);
    const output = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed: ${output || e.message}`);
  }
}

/** The Java to run Kafka and the registry with: $JAVA_HOME/bin/java, else `java` on PATH. */
export function javaCommand(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
}

export async function javaMajorVersion(env: NodeJS.ProcessEnv): Promise<number> {
  const { stderr, stdout } = await runTool(javaCommand(env), ['-version'], { install: 'install Java 17+: apt-get install openjdk-17-jre-headless' });
  const m = (stderr + stdout).match(/version "(\d+)(?:\.(\d+))?/);
  if (!m) throw new Error(`cannot read the Java version from: ${stderr}`);
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}
