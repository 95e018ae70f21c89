import { Box } from 'ink';
import { xrayLines, xrayTitle } from '../components/xray-lines.js';
import { Lines } from '../components/lines.js';
import type { ViewProps } from './view-props.js';

/** A group's X-ray: members, partition lag, topics, retry/DLQ topics and subjects, scrolled under its title. */
export function XrayView({ state, width, height, color }: ViewProps) {
  const { lines } = xrayLines(state, width);
  const rows = height - 1;
  const from = Math.max(0, Math.min(state.xray!.scroll, lines.length - rows));
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[xrayTitle(state)]} height={1} width={width} color={color} />
      <Lines lines={lines.slice(from, from + rows)} height={rows} width={width} color={color} />
    </Box>
  );
}
