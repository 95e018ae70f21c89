/** One line of the screen and how it is emphasised (only when colours are on). */
export interface Line {
  text: string;
  tone?: Tone;
}

export type Tone = 'plain' | 'dim' | 'heading' | 'error' | 'warn' | 'ok' | 'selected' | 'accent';

export function line(text: string, tone: Tone = 'plain'): Line {
  return { text, tone };
}

/** `── title ─────` across the width. */
export function rule(title: string, width: number, tone: Tone = 'dim'): Line {
  const head = `── ${title} `;
  return { text: head + '─'.repeat(Math.max(0, width - head.length)), tone };
}
