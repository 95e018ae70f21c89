/**
 * Shell completion scripts for `streamflow completion bash|zsh`. Both ask the CLI itself for
 * the words that fit the line so far (`streamflow --get-yargs-completions <words>`), so they
 * never go stale as commands and flags change.
 */
export type CompletionShell = 'bash' | 'zsh';

export const COMPLETION_SHELLS: readonly CompletionShell[] = ['bash', 'zsh'];

export function completionScript(shell: CompletionShell, command = 'streamflow'): string {
  const fn = `_${command.replace(/[^A-Za-z0-9_]/g, '_')}_completions`;
  if (shell === 'bash') {
    return `# streamflow completion for bash: add to ~/.bashrc
#   source <(streamflow completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$(${command} --get-yargs-completions "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)" -- "$cur") )
}
complete -o bashdefault -o default -F ${fn} ${command}
`;
  }
  return `#compdef ${command}
# streamflow completion for zsh: add to ~/.zshrc (after compinit)
#   source <(streamflow completion zsh)
${fn}() {
  local -a words_found
  words_found=("\${(@f)$(${command} --get-yargs-completions "\${(@)words[1,CURRENT]}" 2>/dev/null)}")
  compadd -a words_found
}
compdef ${fn} ${command}
`;
}
