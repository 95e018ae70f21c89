import type { Argv, CommandModule } from 'yargs';
import YAML from 'yaml';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { readConfigFile } from '../src/config/resolve-connection.js';
import { redactSecrets } from '../src/config/redact.js';

const show: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'show',
  describe: 'Show the resolved connection and the config file, secrets redacted',
  handler: async (argv) => {
    const { out, env } = argv.sf;
    const [file, conn] = await Promise.all([readConfigFile(env), argv.sf.connection()]);
    const doc = redactSecrets({
      file: file.path,
      fileExists: file.exists,
      currentContext: file.config['current-context'] ?? null,
      contexts: file.config.contexts,
      resolved: conn,
    });
    out.result(doc, () => YAML.stringify(doc));
  },
};

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  builder: (y) => y.command(show).demandCommand(1, 'name a config command: show') as Argv<GlobalArgs>,
  handler: () => undefined,
};
