import { closest } from '../../cli/suggest.js';
import type { KeyPress } from './dashboard-actions.js';
import { type DashboardState, initialState } from './dashboard-state.js';
import { printable } from './typed-text.js';
import { openXray } from './xray-state.js';
import { VIEWS, isViewId } from './views.js';

/**
 * The ':' command line, as k9s has it: `:groups` opens a view by name, `:ctx NAME` switches
 * the dashboard to another context, `:xray group NAME` shows a group's X-ray, `:q` quits.
 * Tab completes the word being typed.
 */
export const COMMANDS: readonly string[] = [...VIEWS.map((v) => v.id), 'ctx', 'xray', 'q', 'quit'];
/** What `:xray` shows the X-ray of. */
const XRAY_KINDS: readonly string[] = ['group'];

/** The groups of the last refresh, for `:xray group` and its completion. */
export function groupNames(s: DashboardState): string[] {
  return s.overview.groups.map((g) => g.group);
}

export function openPrompt(s: DashboardState): DashboardState {
  return { ...s, prompt: { text: '' } };
}

/** Keys while the prompt is open: it takes them all (Ctrl-C aside, which the reducer handles first). */
export function onPromptKey(s: DashboardState, input: string, key: KeyPress): DashboardState {
  const text = s.prompt!.text;
  if (key.escape) return { ...s, prompt: null };
  if (key.return) return runCommand({ ...s, prompt: null }, text);
  // Backspace on an empty prompt closes it, as in a shell's vi mode and k9s.
  if (key.backspace || key.delete) return text === '' ? { ...s, prompt: null } : { ...s, prompt: { text: text.slice(0, -1) } };
  if (key.tab) {
    const completed = complete(text, s.contexts.names, groupNames(s));
    return completed === text ? s : { ...s, prompt: { text: completed } };
  }
  const typed = printable(input, key);
  return typed === '' ? s : { ...s, prompt: { text: text + typed } };
}

interface Typed {
  /** The word being typed: the command, `ctx`'s context name, `xray`'s kind or its group name. */
  word: 'command' | 'context' | 'kind' | 'group' | 'none';
  /** The words before the one being typed. */
  before: string[];
  /** The word being typed. */
  typing: string;
}

function parse(text: string): Typed {
  const words = text.trimStart().split(/\s+/);
  const before = words.slice(0, -1);
  const typing = words.at(-1) ?? '';
  const [command, kind] = before;
  let word: Typed['word'] = 'none';
  if (before.length === 0) word = 'command';
  else if (command === 'ctx' && before.length === 1) word = 'context';
  else if (command === 'xray' && before.length === 1) word = 'kind';
  else if (command === 'xray' && kind === 'group' && before.length === 2) word = 'group';
  return { word, before, typing };
}

/** What the word being typed can still become (shown under the prompt). */
export function candidates(text: string, contexts: readonly string[], groups: readonly string[] = []): string[] {
  const t = parse(text);
  const from = { command: COMMANDS, context: contexts, kind: XRAY_KINDS, group: groups, none: [] }[t.word];
  return from.filter((c) => c.startsWith(t.typing));
}

/** Tab: the word completed when only one candidate is left, else up to where the candidates part. */
export function complete(text: string, contexts: readonly string[], groups: readonly string[] = []): string {
  const t = parse(text);
  const found = candidates(text, contexts, groups);
  if (found.length === 0) return text;
  const prefix = found.length === 1 ? found[0]! : commonPrefix(found);
  if (prefix.length <= t.typing.length && !(found.length === 1 && takesMore(t, prefix))) return text;
  // A word that needs another after it gets its space, ready for the next.
  return [...t.before, prefix].join(' ') + (found.length === 1 && takesMore(t, prefix) ? ' ' : '');
}

function takesMore(t: Typed, word: string): boolean {
  return (t.word === 'command' && (word === 'ctx' || word === 'xray')) || t.word === 'kind';
}

function commonPrefix(words: string[]): string {
  let prefix = words[0]!;
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

function runCommand(s: DashboardState, text: string): DashboardState {
  const [command = '', arg, ...extra] = text.trim().split(/\s+/);
  if (command === '') return s;
  if (command === 'ctx') return extra.length > 0 ? { ...s, notice: 'usage: :ctx NAME' } : switchContext(s, arg);
  if (command === 'xray') return arg === 'group' && extra.length === 1 ? openXray(s, extra[0]!) : { ...s, notice: 'usage: :xray group NAME' };
  if (!COMMANDS.includes(command)) {
    const near = closest(command, [...COMMANDS]);
    return { ...s, notice: `unknown command ":${command}"${near ? ` — did you mean ":${near}"?` : ` (commands: ${COMMANDS.join(', ')})`}` };
  }
  if (arg !== undefined) return { ...s, notice: `:${command} takes no argument` };
  if (command === 'q' || command === 'quit') return { ...s, quit: true };
  return isViewId(command) && command !== s.view ? { ...s, view: command } : s;
}

function switchContext(s: DashboardState, name: string | undefined): DashboardState {
  const { names, current } = s.contexts;
  const known = names.length === 0 ? 'no contexts are configured' : `known: ${names.join(', ')}`;
  if (name === undefined) return { ...s, notice: `context ${current ?? '(none: flags/env)'} · :ctx NAME switches (${known})` };
  if (!names.includes(name)) return { ...s, notice: `unknown context "${name}" (${known})` };
  if (name === current && s.contexts.switching === null) return { ...s, notice: `already on context ${name}` };
  // A redrive, reset or edit in flight writes through the current connection: it finishes first.
  const busy = s.dlq.redrive?.phase === 'executing' ? 'a redrive' : s.wizard.step === 'executing' ? 'an offset reset' : s.dlq.edit?.phase === 'sending' ? 'an edit' : null;
  if (busy) return { ...s, notice: `${busy} is running on context ${current ?? '(flags/env)'}: switch when it is done` };
  return { ...s, nextRequestId: s.nextRequestId + 1, contexts: { ...s.contexts, switching: { name, requestId: s.nextRequestId } } };
}

/**
 * The source of the new context is in place: the data of the old one goes (views keep their
 * place, drill-ins and filters start over). Request ids go on, so late answers for the old
 * context's requests are ignored.
 */
export function onContextSwitched(s: DashboardState, requestId: number): DashboardState {
  const to = s.contexts.switching;
  if (to?.requestId !== requestId) return s;
  const fresh = initialState({ view: s.view, size: s.size, contexts: { names: s.contexts.names, current: to.name } });
  // No notice: the header names the context, and the status line is for its first refresh (a failure shows there).
  return { ...fresh, help: s.help, prompt: s.prompt, nextRequestId: s.nextRequestId };
}

/** The context did not resolve (e.g. a secret's env var is not set): the current one stays. */
export function onContextFailed(s: DashboardState, requestId: number, message: string): DashboardState {
  const to = s.contexts.switching;
  if (to?.requestId !== requestId) return s;
  return { ...s, contexts: { ...s.contexts, switching: null }, notice: `✗ context ${to.name}: ${message}` };
}
