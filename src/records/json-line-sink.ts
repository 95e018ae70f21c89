import { isUtf8 } from 'node:buffer';

/**
 * JSON text built straight into bytes: a record's key and value are copied from the fetched
 * bytes when they are UTF-8 that needs no escaping (most text does), instead of becoming a
 * JS string that JSON.stringify then copies and escapes again. At a million records this is
 * the difference between keeping up with kcat and not.
 */
export class JsonLineSink {
  private buf = Buffer.allocUnsafe(1 << 20);
  private pos = 0;

  get length(): number {
    return this.pos;
  }

  /** The bytes so far (a view, valid until the next write), and start over. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    // A new buffer the size the last round needed: the one taken is still being written out.
    this.buf = Buffer.allocUnsafe(Math.max(1 << 20, this.pos + (this.pos >> 2)));
    this.pos = 0;
    return out;
  }

  /** Text known to be ASCII with nothing to escape: punctuation, field names, numbers. */
  ascii(s: string): this {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
    return this;
  }

  /** Bytes that are JSON text already (constant punctuation and field names, prepared once). */
  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** A non-negative integer (an offset, a timestamp), digit by digit: no string is made. */
  int(n: number): this {
    if (n < 0 || !Number.isSafeInteger(n)) return this.ascii(String(n));
    this.room(16);
    // In groups of six digits, each in int32 arithmetic: a 13-digit timestamp is a double, and
    // double division is slow.
    if (n < 1e6) this.digits(n, 0);
    else if (n < 1e12) {
      const high = Math.floor(n / 1e6);
      this.digits(high, 0);
      this.digits(n - high * 1e6, 6);
    } else {
      const top = Math.floor(n / 1e12);
      const rest = n - top * 1e12;
      const mid = Math.floor(rest / 1e6);
      this.digits(top, 0);
      this.digits(mid, 6);
      this.digits(rest - mid * 1e6, 6);
    }
    return this;
  }

  /** `n` (below 10^6, or 2^31 unpadded) in decimal, left-padded with zeros to `width` digits when width > 0. */
  private digits(n: number, width: number): void {
    let count = 1;
    for (let rest = n; rest >= 10; rest = (rest / 10) | 0) count++;
    if (count < width) count = width;
    for (let i = this.pos + count - 1, rest = n | 0; i >= this.pos; i--, rest = (rest / 10) | 0) this.buf[i] = 0x30 + (rest % 10);
    this.pos += count;
  }

  /** Any JS value as JSON (a decoded Avro record, a parsed JSON value, a string). */
  json(v: unknown): this {
    const s = JSON.stringify(v) ?? 'null';
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  /** `bytes` as a JSON string: copied as they are when valid UTF-8 with nothing to escape. */
  utf8String(bytes: Buffer): this {
    if (!needsEscaping(bytes)) {
      this.room(bytes.length + 2);
      this.buf[this.pos++] = 0x22;
      this.buf.set(bytes, this.pos);
      this.pos += bytes.length;
      this.buf[this.pos++] = 0x22;
      return this;
    }
    return this.json(bytes.toString('utf8'));
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

/**
 * A quote, a backslash or a control character: JSON wants these escaped. Four bytes at a time
 * where the bytes are aligned (the classic "has a byte below n / equal to c" bit tricks): the
 * check runs over every byte of every value, so it is most of what a read of text costs.
 */
function needsEscaping(bytes: Buffer): boolean {
  const start = bytes.byteOffset;
  const end = start + bytes.length;
  const wordsFrom = (start + 3) & ~3;
  const wordsTo = end & ~3;
  if (wordsTo - wordsFrom < 16) return bytesNeedEscaping(bytes, 0, bytes.length);
  if (bytesNeedEscaping(bytes, 0, wordsFrom - start) || bytesNeedEscaping(bytes, wordsTo - start, bytes.length)) return true;
  const words = new Int32Array(bytes.buffer, wordsFrom, (wordsTo - wordsFrom) >> 2);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const quote = w ^ 0x22222222;
    const backslash = w ^ 0x5c5c5c5c;
    if ((((w - 0x20202020) & ~w) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) return true;
  }
  return false;
}

function bytesNeedEscaping(bytes: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b === 0x22 || b === 0x5c) return true;
  }
  return false;
}

/** Valid UTF-8 (text), as opposed to binary data that is shown encoded. */
export function isText(bytes: Buffer): boolean {
  return isUtf8(bytes);
}
