import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { niceStep, renderSoakPlot } from '../../../test/soak/soak-plot.js';
import { syntheticSoak } from './soak-fixture.js';

const START = Date.UTC(2025, 0, 1, 0, 0, 30);
const samples = syntheticSoak({ startMs: START, windowSec: 120, durationMs: 30 * 60_000, sampleMs: 10_000, ordersPerSec: 1_667, bytesPerOrder: 160 });
const options = { title: 'streamflow soak test: 1667/s for 1800 s, dedup window 120 s', windowFilledAtMs: 270_000, trafficEndMs: 1_800_000 };

/** CRC-32 (ISO-HDLC) as PNG uses it, written out here so the test does not trust the encoder's. */
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunks(png: Buffer): Array<{ type: string; data: Buffer; crcOk: boolean }> {
  const out = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    out.push({ type: typeAndData.subarray(0, 4).toString('latin1'), data: typeAndData.subarray(4), crcOk: png.readUInt32BE(at + 8 + length) === crc32(typeAndData) });
    at += 12 + length;
  }
  return out;
}

describe('soak plot', () => {
  const png = renderSoakPlot(samples, options);

  it('is a valid PNG: signature, IHDR first, every CRC right, IDAT inflates to the picture, IEND last', () => {
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    expect(list[0]!.type).toBe('IHDR');
    const ihdr = list[0]!.data;
    expect({ width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), bitDepth: ihdr[8], colorType: ihdr[9] }).toEqual({ width: 1000, height: 720, bitDepth: 8, colorType: 2 });
    expect(list.at(-1)!.type).toBe('IEND');
    expect(list.every((c) => c.crcOk)).toBe(true);
    const raw = zlib.inflateSync(Buffer.concat(list.filter((c) => c.type === 'IDAT').map((c) => c.data)));
    expect(raw.length).toBe(720 * (1 + 1000 * 3)); // a filter byte per row, RGB
  });

  it('draws both panels: the series colours and the ink of the labels are there', () => {
    const image = PNG.sync.read(png);
    const colours = new Set<string>();
    for (let i = 0; i < image.data.length; i += 4) colours.add(`${image.data[i]},${image.data[i + 1]},${image.data[i + 2]}`);
    for (const c of ['200,30,30', '240,140,20', '30,90,200', '20,20,20', '30,30,30', '150,150,150']) expect(colours, c).toContain(c);
  });

  it('is deterministic: the same samples give the same bytes, other samples other bytes', () => {
    expect(renderSoakPlot(samples, options).equals(png)).toBe(true);
    const other = samples.map((s, i) => (i === 50 ? { ...s, redisBytes: s.redisBytes * 2 } : s));
    expect(renderSoakPlot(other, options).equals(png)).toBe(false);
  });

  it('ticks step by 1, 2 or 5 times a power of ten', () => {
    expect([niceStep(0.7), niceStep(3), niceStep(4.2), niceStep(7), niceStep(1300)]).toEqual([1, 5, 5, 10, 2000]);
  });
});
