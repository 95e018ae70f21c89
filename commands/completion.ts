import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../src/cli/command-context.js';
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from '../src/cli/completion-script.js';

type CompletionArgs = GlobalArgs & { shell: CompletionShell };

export const completionCommand: CommandModule<GlobalArgs, CompletionArgs> = {
  builder: (y) =>
    y
      .positional('shell', { choices: COMPLETION_SHELLS, describe: 'The shell to complete in', demandOption: true })
      .example('source <(streamflow completion bash)', 'in ~/.bashrc')
      .example('source <(streamflow completion zsh)', 'in ~/.zshrc, after compinit') as Argv<CompletionArgs>,
  handler: (argv) => {
    const script = completionScript(argv.shell);
    argv.sf.out.result({ shell: argv.shell, script }, () => script);
  },
};
