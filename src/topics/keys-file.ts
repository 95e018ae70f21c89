import fs from 'node:fs/promises';
import { UsageError } from '../errors.js';

/**
 * Keys for `partition --keys-file` and remap impact: one UTF-8 key per line, as a producer's
 * StringSerializer would send them. CRLF endings are accepted; empty lines are skipped.
 */
export async function readKeysFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    throw new UsageError(`cannot read keys file ${file}: ${why}`, 'pass a text file with one key per line');
  }
  const keys = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)).filter((line) => line !== '');
  if (keys.length === 0) throw new UsageError(`keys file ${file} has no keys`, 'pass a text file with one key per line');
  return keys;
}
