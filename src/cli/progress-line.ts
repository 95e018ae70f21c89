/**
 * A one-line progress display on a TTY (redrawn in place, at most every 100 ms); silent
 * elsewhere so logs and CI output stay clean.
 */
export class ProgressLine {
  private last = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, readonly enabled: boolean) {}

  update(text: string, force = false): void {
    if (!this.enabled || (!force && Date.now() - this.last < 100)) return;
    this.last = Date.now();
    const width = (this.stream.columns ?? 100) - 1;
    this.stream.write(`\r${text.slice(0, width).padEnd(width)}`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

/** `[#####.....]  45%` */
export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}
