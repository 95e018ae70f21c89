import yargs, { type Argv } from 'yargs';
import { commandModules } from '../../commands/index.js';
import { resolveConnection, type Connection } from '../config/resolve-connection.js';
import { redactUrlCredentials } from '../config/redact.js';
import type { CommandContext } from './command-context.js';
import { ExitCode, StreamflowError, UsageError } from '../errors.js';
import { Output, type Streams, shouldColor } from './output.js';
import { closest } from './suggest.js';

export interface MainOptions extends Partial<Streams> {
  env?: NodeJS.ProcessEnv;
  /** Abort to interrupt a running command (bin/ wires SIGINT/SIGTERM to it). */
  signal?: AbortSignal;
}

/**
 * Run the CLI in-process and return its exit code. Only bin/streamflow exits the process,
 * so tests call main() directly with their own streams and env.
 */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const wantsJson = argv.includes('--json');
  const out = new Output({ stdout, stderr }, wantsJson, argv.includes('--verbose'), shouldColor(stderr, env, argv.includes('--no-color') ? false : undefined));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  opts.signal?.addEventListener('abort', onSignal);
  const detach = opts.signal ? () => undefined : trapSignals(onSignal);

  let connection: Promise<Connection> | undefined;
  const sf: CommandContext = {
    out,
    env,
    signal: controller.signal,
    connection: () => (connection ??= resolveConnection(flagsOf(argv), env)),
  };

  try {
    const parser = buildParser(argv);
    const helpText = await new Promise<string>((resolve, reject) => {
      parser.parseAsync(argv, { sf }, (err, _args, output) => (err ? reject(err) : resolve(output))).then(
        () => undefined,
        reject,
      );
    });
    if (helpText) stdout.write(helpText + '\n');
    return ExitCode.ok;
  } catch (err) {
    return report(err, out);
  } finally {
    detach();
    opts.signal?.removeEventListener('abort', onSignal);
  }
}

function buildParser(argv: string[]): Argv {
  let parser = yargs()
    .scriptName('streamflow')
    .usage('$0 <command> [options]\n\nOperate event-driven checkout systems on Apache Kafka.')
    .option('context', { type: 'string', describe: 'Named context from ~/.config/streamflow/config.yaml', global: true })
    .option('brokers', { type: 'string', describe: 'Kafka bootstrap servers host:port[,host:port]', global: true })
    .option('registry', { type: 'string', describe: 'Schema registry URL (Confluent REST API)', global: true })
    .option('redis', { type: 'string', describe: 'Redis URL redis://host:port', global: true })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document on stdout', global: true })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log details (and client logs) to stderr', global: true })
    .option('color', { type: 'boolean', default: true, describe: 'Colour output (--no-color to disable; NO_COLOR is honoured)', global: true })
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .version(false)
    .help()
    .alias('h', 'help')
    .exitProcess(false)
    .fail((msg, err, y) => {
      if (err) throw err;
      throw new UsageError(improveMessage(msg, argv, y), 'see `streamflow --help` or `streamflow <command> --help`');
    });
  for (const mod of commandModules) parser = parser.command(mod);
  return parser;
}

/** yargs says "Unknown argument: brokr"; we also say which flag was meant. */
function improveMessage(msg: string, argv: string[], usage: unknown): string {
  const cmd = msg.match(/^Did you mean (.+)\?$/);
  if (cmd) return `unknown command: did you mean ${cmd[1]}?`;
  const m = msg.match(/^Unknown arguments?: (.+)$/);
  if (!m) return msg;
  // yargs hands fail() its usage object; its descriptions are the options of the command that ran.
  const known = Object.keys((usage as { getDescriptions(): Record<string, unknown> }).getDescriptions());
  const unknown = m[1]!.split(', ');
  return unknown
    .map((u) => {
      const typed = argv.find((a) => a.replace(/^-+/, '').split('=')[0] === u) ?? u;
      const flag = typed.startsWith('-') ? `--${u}` : u;
      const guess = typed.startsWith('-') ? closest(u, known) : undefined;
      return guess ? `unknown option ${flag}: did you mean --${guess}?` : `unknown ${typed.startsWith('-') ? 'option' : 'argument'} ${flag}`;
    })
    .join('; ');
}

function flagsOf(argv: string[]): { context?: string; brokers?: string; registry?: string; redis?: string } {
  const parsed = yargs().options({ context: { type: 'string' }, brokers: { type: 'string' }, registry: { type: 'string' }, redis: { type: 'string' } }).help(false).version(false).parseSync(argv);
  return { context: parsed.context, brokers: parsed.brokers, registry: parsed.registry, redis: parsed.redis };
}

function report(err: unknown, out: Output): number {
  if (err instanceof StreamflowError) {
    out.error(redactUrlCredentials(err.message));
    if (err.hint) out.stderr.write(`  ${err.hint.replace(/\n/g, '\n  ')}\n`);
    if (out.verbose && err.stack) out.debug(err.stack);
    return err.exitCode;
  }
  const e = err as Error;
  out.error(redactUrlCredentials(e?.message ?? String(err)));
  if (out.verbose && e?.stack) out.debug(e.stack);
  else out.stderr.write('  (run with --verbose for details)\n');
  return ExitCode.checkFailed;
}

/** First Ctrl-C asks the command to stop cleanly; a second one is left to Node (hard exit). */
function trapSignals(onSignal: () => void): () => void {
  const handler = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    onSignal();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
