import { Box, Text } from 'ink';
import { memo } from 'react';
import { fit, truncate } from '../../text/text-width.js';
import type { Line, Tone } from './line.js';

const STYLES: Record<Tone, { color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean }> = {
  plain: {},
  dim: { dimColor: true },
  heading: { bold: true },
  error: { color: 'red' },
  warn: { color: 'yellow' },
  ok: { color: 'green' },
  selected: { inverse: true },
  accent: { color: 'cyan', bold: true },
};

/** A line fitted to the width (never wrapped: cut at a word, with an ellipsis), styled only when colours are on. */
export const LineText = memo(function LineText({ text, tone, width, color }: { text: string; tone: Tone; width: number; color: boolean }) {
  return (
    <Text wrap="truncate-end" {...(color ? STYLES[tone] : {})}>
      {/* A highlighted row is a full-width bar. */}
      {(color && tone === 'selected' ? fit(text, width) : truncate(text, width, { words: true })) || ' '}
    </Text>
  );
});

/**
 * Exactly `height` lines (missing ones blank, extra ones left out), so the screen's tree and
 * height stay the same from frame to frame and Ink only rewrites what changed.
 */
export function Lines({ lines, height, width, color }: { lines: readonly Line[]; height: number; width: number; color: boolean }) {
  const rows = [];
  for (let i = 0; i < height; i++) {
    const l = lines[i];
    rows.push(<LineText key={i} text={l?.text ?? ''} tone={l?.tone ?? 'plain'} width={width} color={color} />);
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {rows}
    </Box>
  );
}
