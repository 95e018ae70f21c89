import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

/*
 * Record batch decompression for all of Kafka's codecs, so any topic reads: gzip with Node's
 * zlib; snappy, lz4 and zstd with small pure-JS decoders (Node 20's zlib has no zstd, and
 * native addons would need a compiler on the operator's machine). Reading only: streamflow's
 * own producers write none or gzip.
 */

const require = createRequire(import.meta.url);
const snappy = require('snappyjs') as { uncompress(b: Uint8Array): Uint8Array };
const lz4 = require('lz4js') as { decompress(b: Uint8Array): Uint8Array };

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/** The codec of a record batch's attributes (their low three bits). */
export function codecName(codec: number): string {
  return CODECS[codec] ?? `codec ${codec}`;
}

export function decompress(codec: number, body: Buffer): Buffer {
  switch (codec) {
    case 1:
      return gunzipSync(body);
    case 2:
      return unsnappy(body);
    case 3:
      return asBuffer(lz4.decompress(body));
    case 4:
      return asBuffer(zstdDecompress(body));
    default:
      throw new Error(`record batch compressed with ${codecName(codec)}, which Kafka does not define`);
  }
}

/** snappy-java's stream framing (what the Java client and librdkafka write): a magic header, then length-prefixed blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function unsnappy(body: Buffer): Buffer {
  if (body.length < XERIAL_HEADER_BYTES || !body.subarray(0, 8).equals(XERIAL_MAGIC)) return asBuffer(snappy.uncompress(body));
  const blocks: Buffer[] = [];
  for (let pos = XERIAL_HEADER_BYTES; pos + 4 <= body.length; ) {
    const length = body.readInt32BE(pos);
    blocks.push(asBuffer(snappy.uncompress(body.subarray(pos + 4, pos + 4 + length))));
    pos += 4 + length;
  }
  return Buffer.concat(blocks);
}

function asBuffer(a: Uint8Array): Buffer {
  return Buffer.isBuffer(a) ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
