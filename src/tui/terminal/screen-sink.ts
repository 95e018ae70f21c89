import { EventEmitter } from 'node:events';
import { clipLine, frameDiff } from './frame-diff.js';

// DEC mode 2026: terminals that know it show the update at once; others ignore it.
const BEGIN_SYNC = '\u001b[?2026h';
const END_SYNC = '\u001b[?2026l';
const MIN_FRAME_MS = 33;

/**
 * What Ink renders into (in its debug mode, which hands over each whole frame): a stand-in
 * stdout that sizes the layout like the terminal, and writes to the terminal only the lines
 * that changed since the last frame, at most ~30 times a second. Ink's own incremental
 * writer misplaces lines (6.8.0) and its default one erases and redraws every line.
 */
export class ScreenSink extends EventEmitter {
  readonly isTTY = true;
  private shown: string[] = [];
  private pending: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  /** Ink's render time of the frames since the last flush (kept only for a frame log). */
  private renderMs = 0;
  private readonly onResize = () => {
    // The terminal reflowed the old frame: clear once and draw everything again.
    this.shown = [];
    this.out.write('\u001b[2J');
    this.emit('resize');
  };

  /**
   * `frameLog`, when given, is told each drawn frame's cost in ms: Ink's render of it (see
   * noteRender) plus clipping, diffing and writing it; and the bytes written.
   */
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly frameLog?: (ms: number, bytes: number) => void,
  ) {
    super();
    out.on('resize', this.onResize);
  }

  get columns(): number {
    return this.out.columns || 80;
  }

  get rows(): number {
    return this.out.rows || 24;
  }

  write(frame: string): boolean {
    this.pending = frame;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.lastWrite + MIN_FRAME_MS - Date.now()));
    return true;
  }

  /** Ink's `onRender`: how long it took to render a frame to text. */
  noteRender(ms: number): void {
    if (this.frameLog) this.renderMs += ms;
  }

  /** Draw the latest frame now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === null) return;
    const t0 = this.frameLog ? performance.now() : 0;
    // Never past the screen's edge or its last row: either would scroll it.
    const next = this.pending
      .replace(/\n$/, '')
      .split('\n')
      .slice(0, this.rows - 1)
      .map((l) => clipLine(l, this.columns));
    this.pending = null;
    const diff = frameDiff(this.shown, next);
    this.shown = next;
    this.lastWrite = Date.now();
    if (diff !== '') this.out.write(BEGIN_SYNC + diff + END_SYNC);
    if (this.frameLog) {
      this.frameLog(this.renderMs + performance.now() - t0, diff === '' ? 0 : diff.length + BEGIN_SYNC.length + END_SYNC.length);
      this.renderMs = 0;
    }
  }

  close(): void {
    this.flush();
    this.out.off('resize', this.onResize);
  }
}
