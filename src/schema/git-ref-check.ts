import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { UsageError } from '../errors.js';
import type { CompatibilityLevel } from './compatibility/index.js';
import type { ContractCheck } from './check-report.js';
import { checkOffline } from './compatibility-check.js';
import { MANIFEST_FILE, loadContracts } from './contracts.js';
import { importedTexts, parseSchemaFileText, readSchemaFile } from './schema-file.js';
import { schemaTypeOf } from './schema-types.js';

const run = promisify(execFile);

/** The registry's three schema types: Avro, JSON Schema (or Avro named .json) and Protobuf. */
const SCHEMA_FILE = /\.(avsc|json|proto)$/i;

export interface GitRefCheckOptions {
  /** A commit-ish: origin/main, a tag, a sha. */
  ref: string;
  /** The schema folder (a path inside a git work tree). */
  dir: string;
  level: CompatibilityLevel;
}

/**
 * CI mode: each schema file of `dir` (.avsc, .json, .proto) in the work tree against the same file at `ref`.
 * Files new since the ref pass; files deleted since the ref are reported as `deleted`
 * (a warning, not a failure). Paths in the result are relative to the repository root,
 * which is what GitHub annotations need. When the folder has a contracts manifest, it is
 * validated too and each check names its subject.
 */
export async function checkAgainstGitRef(opts: GitRefCheckOptions): Promise<ContractCheck[]> {
  const dir = path.resolve(opts.dir);
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new UsageError(`${opts.dir} is not a folder`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`schema folder ${opts.dir} does not exist`);
  }
  const prefix = await git(dir, ['rev-parse', '--show-prefix'], `${opts.dir} is not inside a git work tree`);
  await git(dir, ['rev-parse', '--verify', '--quiet', `${opts.ref}^{commit}`], `git ref ${opts.ref} not found`, 'in CI, fetch it first (actions/checkout with fetch-depth: 0, or `git fetch origin main`)');

  const repoPath = (name: string) => `${prefix}${name}`;
  const current = (await fs.readdir(dir)).filter((f) => SCHEMA_FILE.test(f)).sort();
  const atRef = (await git(dir, ['ls-tree', '--name-only', opts.ref, '--', '.'], `cannot list ${opts.dir} at ${opts.ref}`))
    .split('\n')
    .filter((f) => SCHEMA_FILE.test(f));

  const subjects = new Map<string, string>();
  if (current.length > 0 && (await exists(path.join(dir, MANIFEST_FILE)))) {
    for (const c of await loadContracts(dir)) subjects.set(c.file, c.subject);
  }
  const named = (file: string) => (subjects.has(file) ? { subject: subjects.get(file)! } : {});

  const checks: ContractCheck[] = [];
  for (const file of current) {
    const schema = { ...(await readSchemaFile(path.join(opts.dir, file))), path: repoPath(file) };
    if (!atRef.includes(file)) {
      checks.push({ file: schema.path, ...named(file), status: 'new', compatible: true, level: opts.level, checkedBy: 'offline', messages: [] });
      continue;
    }
    const oldText = await git(dir, ['show', `${opts.ref}:./${file}`], `cannot read ${file} at ${opts.ref}`);
    const type = schemaTypeOf(file, oldText, schema.schemaType);
    // What the old version imports, as it was at the ref.
    const oldImports = await importedTexts(type, oldText, (name) => git(dir, ['show', `${opts.ref}:./${name}`], '').catch(() => undefined));
    // Labelled by the ref alone, so messages read "new schema cannot read version origin/main: ...".
    const old = { path: opts.ref, ...parseSchemaFileText(`${opts.ref}:${repoPath(file)}`, oldText, type, oldImports) };
    checks.push({ ...checkOffline(schema, [old], opts.level), ...named(file) });
  }
  for (const file of atRef.filter((f) => !current.includes(f))) {
    checks.push({
      file: repoPath(file),
      status: 'deleted',
      compatible: true,
      level: opts.level,
      checkedBy: 'offline',
      messages: [`deleted since ${opts.ref}: its subject keeps its versions; retire producers and consumers of this event before merging`],
    });
  }
  return checks;
}

async function git(cwd: string, args: string[], failure: string, hint?: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.replace(/\n$/, '');
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new UsageError('git is not installed (needed by --against-git)');
    const said = e.stderr?.trim().split('\n')[0];
    throw new UsageError(said ? `${failure}: ${said}` : failure, hint);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
