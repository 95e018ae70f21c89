import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKeysFile } from '../../../src/topics/keys-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe('readKeysFile', () => {
  it('reads one UTF-8 key per line in order, CRLF or LF, skipping empty lines, keeping spaces', async () => {
    expect(await readKeysFile(file('b.txt', 'order-1\r\n größe \n\n注文\t1\n🛒'))).toEqual(['order-1', ' größe ', '注文\t1', '🛒']);
  });

  it('names the file when it cannot be read or has no keys (exit 2)', async () => {
    await expect(readKeysFile(path.join(dir, 'missing.txt'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('missing.txt: no such file') });
    await expect(readKeysFile(dir)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('it is a directory') });
    await expect(readKeysFile(file('empty.txt', '\n\n'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('has no keys') });
  });
});
