/**
 * The group coordinator's offset commit records in `__consumer_offsets`, as Kafka writes them
 * (group-coordinator OffsetCommitKey/OffsetCommitValue): every commit is a record, one that
 * repeats an unchanged offset included, which OffsetFetch cannot show. Burrow reads commits
 * this way to tell a stalled consumer (re-committing) from a stopped one (silent).
 */
export interface OffsetCommitRecord {
  group: string;
  topic: string;
  partition: number;
  /** null: a tombstone (the offset was deleted, e.g. the group expired or was reset away). */
  offset: bigint | null;
  /** Epoch ms of the commit; null for a tombstone. */
  commitTimestamp: number | null;
}

/** The record's commit, or null when it is another coordinator record (group metadata and the like). */
export function decodeOffsetCommit(key: Buffer | null, value: Buffer | null): OffsetCommitRecord | null {
  if (!key || key.length < 2) return null;
  const k = new Reader(key);
  // Key versions 0 and 1 are offset commits; 2 is group metadata, higher ones other records.
  if (k.int16() > 1) return null;
  const id = { group: k.string(), topic: k.string(), partition: k.int32() };
  if (!value) return { ...id, offset: null, commitTimestamp: null };
  const v = new Reader(value);
  const version = v.int16();
  if (version > 4) throw new Error(`__consumer_offsets: offset commit value version ${version} is newer than this streamflow reads (0-4)`);
  const offset = v.int64();
  if (version >= 3) v.int32(); // leader epoch
  version >= 4 ? v.compactString() : v.string(); // metadata
  return { ...id, offset, commitTimestamp: Number(v.int64()) };
}

/**
 * The `__consumer_offsets` partition that holds a group's commits: Kafka's
 * `Utils.abs(groupId.hashCode()) % partitions`, String.hashCode over UTF-16 code units and
 * Utils.abs a true absolute value (0 for Integer.MIN_VALUE), not the partitioner's `& 0x7fffffff`.
 */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
  return (h === -0x80000000 ? 0 : Math.abs(h)) % partitions;
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  int16(): number {
    return this.advance(2, this.buf.readInt16BE(this.at));
  }

  int32(): number {
    return this.advance(4, this.buf.readInt32BE(this.at));
  }

  int64(): bigint {
    return this.advance(8, this.buf.readBigInt64BE(this.at));
  }

  string(): string {
    const n = this.int16();
    return this.text(Math.max(0, n));
  }

  compactString(): string {
    const n = this.uvarint() - 1;
    return this.text(Math.max(0, n));
  }

  private uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.buf[this.at++]!;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value;
    }
  }

  private text(n: number): string {
    if (this.at + n > this.buf.length) throw new Error('__consumer_offsets: a truncated offset commit record');
    return this.advance(n, this.buf.toString('utf8', this.at, this.at + n));
  }

  private advance<T>(n: number, value: T): T {
    this.at += n;
    return value;
  }
}
