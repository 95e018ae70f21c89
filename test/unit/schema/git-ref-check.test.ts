import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMain as cli } from '../../run-main.js';
import { UsageError } from '../../../src/errors.js';
import { checkAgainstGitRef } from '../../../src/schema/git-ref-check.js';

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, stdio: 'pipe' }).toString();

let repo: string;
let dir: string;

async function editJson(file: string, edit: (schema: { fields: unknown[] }) => void) {
  const schema = JSON.parse(await fs.readFile(file, 'utf8')) as { fields: unknown[] };
  edit(schema);
  await fs.writeFile(file, JSON.stringify(schema, null, 2));
}


// A repository whose schemas/checkout changed since tag `base`: one incompatible change, one
// compatible change, one new file, one deleted file (and its manifest entry).
beforeAll(async () => {
  repo = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-git-'));
  dir = path.join(repo, 'schemas', 'checkout');
  await fs.cp(path.resolve('schemas/checkout'), dir, { recursive: true });
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'contracts');
  git(repo, 'tag', 'base');

  await editJson(path.join(dir, 'payment-failed.avsc'), (s) => s.fields.push({ name: 'decline_code', type: 'string' }));
  await editJson(path.join(dir, 'order-created.avsc'), (s) => s.fields.push({ name: 'coupon', type: ['null', 'string'], default: null }));
  await fs.writeFile(path.join(dir, 'refund-issued.avsc'), JSON.stringify({ type: 'record', name: 'RefundIssued', namespace: 'com.streamflow.checkout', fields: [{ name: 'order_id', type: 'string' }] }));
  await fs.rm(path.join(dir, 'notification-sent.avsc'));
  const manifest = await fs.readFile(path.join(dir, 'contracts.yaml'), 'utf8');
  await fs.writeFile(path.join(dir, 'contracts.yaml'), manifest.split('\n').filter((l) => !l.includes('notification-sent')).join('\n'));
});

describe('checkAgainstGitRef', () => {
  it('compares each file with the ref: incompatible, compatible, new and deleted, paths from the repo root', async () => {
    const checks = await checkAgainstGitRef({ ref: 'base', dir, level: 'BACKWARD' });
    const byFile = Object.fromEntries(checks.map((c) => [c.file, c]));
    expect(Object.keys(byFile).sort()).toEqual(
      [
        'inventory-released.avsc',
        'inventory-reserved.avsc',
        'notification-sent.avsc',
        'order-cancelled.avsc',
        'order-created.avsc',
        'payment-authorized.avsc',
        'payment-failed.avsc',
        'refund-issued.avsc',
        'shipment-scheduled.avsc',
      ].map((f) => `schemas/checkout/${f}`),
    );
    expect(byFile['schemas/checkout/payment-failed.avsc']).toMatchObject({
      status: 'incompatible',
      compatible: false,
      subject: 'checkout.payments-com.streamflow.checkout.PaymentFailed',
      messages: [expect.stringMatching(/new schema cannot read version base: .*decline_code/)],
    });
    expect(byFile['schemas/checkout/order-created.avsc']).toMatchObject({ status: 'compatible', compatible: true });
    expect(byFile['schemas/checkout/refund-issued.avsc']).toMatchObject({ status: 'new', compatible: true });
    expect(byFile['schemas/checkout/notification-sent.avsc']).toMatchObject({ status: 'deleted', compatible: true, messages: [expect.stringContaining('deleted since base')] });
  });

  it('applies the level', async () => {
    const checks = await checkAgainstGitRef({ ref: 'base', dir, level: 'FORWARD' });
    expect(checks.find((c) => c.file.endsWith('order-created.avsc'))?.compatible).toBe(true);
    // Old readers ignore the added field, so adding a required field is FORWARD compatible.
    expect(checks.find((c) => c.file.endsWith('payment-failed.avsc'))?.compatible).toBe(true);
  });

  it('fails with exit 2 on an unknown ref, outside a git repo, and on an invalid schema file', async () => {
    await expect(checkAgainstGitRef({ ref: 'no-such-ref', dir, level: 'BACKWARD' })).rejects.toThrow(/git ref no-such-ref not found/);
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-nogit-'));
    await expect(checkAgainstGitRef({ ref: 'base', dir: outside, level: 'BACKWARD' })).rejects.toBeInstanceOf(UsageError);

    const broken = await fs.mkdtemp(path.join(os.tmpdir(), 'sf-git-broken-'));
    git(broken, 'init', '-q');
    await fs.writeFile(path.join(broken, 'a.avsc'), '{"type":"record","name":"A","fields":[]}');
    git(broken, 'add', '.');
    git(broken, 'commit', '-qm', 'a');
    await fs.writeFile(path.join(broken, 'a.avsc'), '{"type":"record","name":"A","fields":[{"name":"x"}]}');
    await expect(checkAgainstGitRef({ ref: 'HEAD', dir: broken, level: 'BACKWARD' })).rejects.toThrow(/a\.avsc: not a valid Avro schema: field "A\.x" has no "type"/);
  });
});

describe('streamflow schema check --against-git', () => {
  it('prints GitHub annotations on the incompatible file and exits 1', async () => {
    const r = await cli(['schema', 'check', '--against-git', 'base', '--dir', dir, '--format', 'github']);
    expect(r.code).toBe(1);
    const annotation = /^::error file=schemas\/checkout\/payment-failed\.avsc,line=(\d+),col=(\d+),title=Incompatible schema checkout\.payments-com\.streamflow\.checkout\.PaymentFailed \(BACKWARD\)::new schema cannot read version base/m.exec(r.out);
    expect(annotation, r.out).not.toBeNull();
    // On the line of the added field in the file as written.
    const written = (await fs.readFile(path.join(dir, 'payment-failed.avsc'), 'utf8')).split('\n');
    expect(written[Number(annotation![1]) - 1]!.slice(Number(annotation![2]) - 1)).toMatch(/^\{/);
    expect(written.slice(Number(annotation![1]) - 1, Number(annotation![1]) + 2).join('\n')).toContain('decline_code');
    expect(r.out).toMatch(/^::warning file=schemas\/checkout\/notification-sent\.avsc,/m);
    expect(r.out.trim().split('\n').at(-1)).toBe('streamflow schema check: 9 checked at BACKWARD, 1 incompatible');
  });

  it('prints one JSON document with --json, exit 0 when everything is compatible', async () => {
    const r = await cli(['schema', 'check', '--against-git', 'base', '--dir', dir, '--level', 'FORWARD', '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ compatible: true, level: 'FORWARD' });
    expect(doc.checks).toHaveLength(9);
  });

  it('exits 2 naming the ref when it does not exist', async () => {
    const r = await cli(['schema', 'check', '--against-git', 'origin/nope', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('git ref origin/nope not found');
    expect(r.err).toContain('fetch-depth: 0');
  });
});
