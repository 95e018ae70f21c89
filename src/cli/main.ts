import { createRequire } from 'node:module';
import type { Argv, CommandModule } from 'yargs';
import type yargsFactory from 'yargs';

import { type CommandEntry, commandEntries } from '../../commands/index.js';
import type { Connection } from '../config/resolve-connection.js';
import { redactUrlCredentials } from '../config/redact.js';
import type { CommandContext, GlobalArgs } from './command-context.js';
import { ExitCode, StreamflowError, UsageError } from '../errors.js';
import { Output, type Streams, shouldColor } from './output.js';
import { closest } from './suggest.js';
import { attachDashValues, unknownFlags } from './unknown-flags.js';

// yargs' ESM build lays help out with cliui's ESM build, which wraps descriptions at a fixed
// column, mid-word ("rec|ord"); the CommonJS build wraps on words (wrap-ansi).
const yargs = createRequire(import.meta.url)('yargs') as typeof yargsFactory;

export interface MainOptions extends Partial<Streams> {
  env?: NodeJS.ProcessEnv;
  /** Abort to interrupt a running command (bin/ wires SIGINT/SIGTERM to it before it loads the CLI). */
  signal?: AbortSignal;
}

/**
 * Run the CLI in-process and return its exit code. Only bin/streamflow exits the process,
 * so tests call main() directly with their own streams and env.
 */
export async function main(typed: string[], opts: MainOptions = {}): Promise<number> {
  const argv = attachDashValues(typed);
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const env = opts.env ?? process.env;
  const wantsJson = argv.includes('--json');
  const out = new Output({ stdout, stderr }, wantsJson, argv.includes('--verbose'), shouldColor(stderr, env, argv.includes('--no-color') ? false : undefined));

  let connection: Promise<Connection> | undefined;
  const sf: CommandContext = {
    out,
    env,
    // Already aborted when a signal came while the CLI was loading: the command then starts stopped.
    signal: opts.signal ?? new AbortController().signal,
    connection: () => (connection ??= import('../config/resolve-connection.js').then((m) => m.resolveConnection(flagsOf(argv), env))),
  };

  try {
    const parser = await buildParser(argv);
    // The shell's completion script asks for words; yargs prints them itself (no handler runs).
    if (argv.includes(COMPLETION_KEY)) {
      await parser.parseAsync(argv, { sf });
      return ExitCode.ok;
    }
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
  }
}

/** The flag yargs answers with completion words (its default key; the scripts use it). */
export const COMPLETION_KEY = '--get-yargs-completions';

async function buildParser(argv: string[]): Promise<Argv> {
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
    // Answers the shell scripts of `streamflow completion` (--get-yargs-completions); the
    // command yargs would add for its own script is hidden: ours takes the shell by name.
    .completion('yargs-completion-script', false)
    .exitProcess(false)
    .fail((msg, err, y) => {
      if (err) throw err;
      throw new UsageError(explainFailure(msg, argv, parser, y), 'see `streamflow --help` or `streamflow <command> --help`');
    });
  const wanted = argv.includes(COMPLETION_KEY) ? commandEntries : commandEntries.filter((e) => e.command.split(' ')[0] === commandName(argv));
  const loaded = new Map(await Promise.all(wanted.map(async (e) => [e, await e.load()] as const)));
  for (const entry of commandEntries) parser = parser.command(commandOf(entry, loaded.get(entry)));
  return parser;
}

/** The loaded module under the entry's usage and summary; the others only for --help and "did you mean". */
function commandOf(entry: CommandEntry, mod: object | undefined): CommandModule<object, GlobalArgs> {
  const shown = { command: entry.command, describe: entry.describe };
  return (mod ? { ...mod, ...shown } : { ...shown, handler: () => undefined }) as unknown as CommandModule<object, GlobalArgs>;
}

/** Global flags that take a value: `--brokers h:p topic list` names the command `topic`. */
const GLOBAL_VALUE_FLAGS = new Set(['--context', '--brokers', '--registry', '--redis']);

/** The first word of the command line that is not a flag or a global flag's value. */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return argv[i + 1];
    if (GLOBAL_VALUE_FLAGS.has(token)) i++;
    else if (!token.startsWith('-')) return token;
  }
  return undefined;
}

/**
 * yargs says "Unknown argument: brokr", or, when a required flag is missing too, only that.
 * Name every flag the command does not know first, with the one that was meant, then the rest.
 */
function explainFailure(msg: string, argv: string[], parser: Argv, usage: unknown): string {
  const cmd = msg.match(/^Did you mean (.+)\?$/);
  if (cmd) return `unknown command: did you mean ${cmd[1]}?`;
  // While a command runs, the parser holds that command's options (aliases included); the
  // usage object's descriptions are its documented long names, the ones worth suggesting.
  const options = (parser as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }).getOptions();
  const known = new Set<string>([...Object.keys(options.key), ...Object.values(options.alias).flat()]);
  const documented = Object.keys((usage as { getDescriptions(): Record<string, unknown> }).getDescriptions());
  const flags = unknownFlags(argv, known).map((u) => {
    const flag = u.length === 1 ? `-${u}` : `--${u}`;
    const guess = closest(u, documented);
    return guess ? `unknown option ${flag}: did you mean --${guess}?` : `unknown option ${flag}`;
  });
  const unknown = msg.match(/^Unknown arguments?: (.+)$/);
  const positionals = unknown ? unknown[1]!.split(', ').filter((u) => !argv.some((a) => a.startsWith('-') && a.replace(/^-+/, '').split('=')[0] === u)).map((u) => `unknown argument ${u}`) : [];
  const rest = unknown ? [] : flags.length > 0 ? [`also: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`] : [msg];
  return [...flags, ...positionals, ...rest].join('; ');
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
