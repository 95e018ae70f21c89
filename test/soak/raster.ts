import { PNG } from 'pngjs';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from './bitmap-font.js';

export type Rgb = readonly [number, number, number];

/** An RGBA picture to draw the soak plot on: rectangles, lines, 5x7 text; written as PNG by pngjs. */
export class Raster {
  private readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.png = new PNG({ width, height });
    this.fillRect(0, 0, width, height, background);
  }

  pixel(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const d = this.png.data;
    d[i] = c[0];
    d[i + 1] = c[1];
    d[i + 2] = c[2];
    d[i + 3] = 255;
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.pixel(i, j, c);
  }

  /** A straight line `thickness` pixels wide (Bresenham, widened by a square pen). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    let [x, y] = [Math.round(x0), Math.round(y0)];
    const [xe, ye] = [Math.round(x1), Math.round(y1)];
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    const lo = -Math.floor((thickness - 1) / 2);
    const hi = lo + thickness - 1;
    for (;;) {
      for (let a = lo; a <= hi; a++) for (let b = lo; b <= hi; b++) this.pixel(x + a, y + b, c);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** A dashed vertical line from y0 to y1. */
  dashedVertical(x: number, y0: number, y1: number, c: Rgb, dash = 4): void {
    for (let y = Math.round(y0); y <= Math.round(y1); y++) if (Math.floor((y - y0) / dash) % 2 === 0) this.pixel(x, y, c);
  }

  /** Text with its top-left corner at (x, y); `scale` multiplies the 5x7 glyphs. */
  text(x: number, y: number, s: string, c: Rgb, scale = 1): void {
    let cx = Math.round(x);
    for (const ch of s) {
      glyphRows(ch).forEach((row, r) =>
        row.forEach((on, col) => {
          if (on) this.fillRect(cx + col * scale, Math.round(y) + r * scale, scale, scale, c);
        }),
      );
      cx += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** Same, rotated a quarter turn counter-clockwise (reads bottom to top), its left end at the bottom (x, y). */
  textUp(x: number, y: number, s: string, c: Rgb, scale = 1): void {
    let cy = Math.round(y);
    for (const ch of s) {
      glyphRows(ch).forEach((row, r) =>
        row.forEach((on, col) => {
          if (on) this.fillRect(Math.round(x) + r * scale, cy - (col + 1) * scale, scale, scale, c);
        }),
      );
      cy -= (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** PNG bytes (RGB, no alpha: every pixel is opaque); the same picture always gives the same bytes. */
  toPng(): Buffer {
    return PNG.sync.write(this.png, { colorType: 2, inputHasAlpha: true, deflateLevel: 9 });
  }
}

/** Width in pixels of `s` drawn with `text`. */
export function textWidth(s: string, scale = 1): number {
  return s.length === 0 ? 0 : (s.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

export const TEXT_HEIGHT = GLYPH_HEIGHT;
