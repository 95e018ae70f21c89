import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathExists } from './path-exists.js';
import { runTool } from './tools.js';

/** A tool unpacked from Debian's packages into our cache: its bin dir and the lib dir it needs on LD_LIBRARY_PATH. */
export interface UnpackedPackages {
  root: string;
  bin: string;
  libDir: string;
  /** Already in the cache (nothing was downloaded). */
  cached: boolean;
}

/**
 * Fetch Debian packages with `apt-get download` (no root needed) and unpack them into
 * `root` once, so a tool the machine lacks is there without an install step. Errors carry
 * apt's first line; callers add what to install by hand.
 */
export async function ensureDebianPackages(root: string, packages: string[], env: NodeJS.ProcessEnv, installHint: string): Promise<UnpackedPackages> {
  const unpacked = {
    root,
    bin: path.join(root, 'usr', 'bin'),
    libDir: path.join(root, 'usr', 'lib', `${os.arch() === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`),
  };
  if (await pathExists(path.join(root, '.complete'))) return { ...unpacked, cached: true };
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-deb-'));
  try {
    await aptDownload(work, packages, env, installHint);
    await fs.mkdir(root, { recursive: true });
    for (const deb of (await fs.readdir(work)).filter((f) => f.endsWith('.deb'))) {
      await runTool('dpkg-deb', ['-x', path.join(work, deb), root]);
    }
    await fs.writeFile(path.join(root, '.complete'), new Date().toISOString());
    return { ...unpacked, cached: false };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function aptDownload(dir: string, packages: string[], env: NodeJS.ProcessEnv, installHint: string): Promise<void> {
  const download = () => runTool('apt-get', ['download', ...packages], { cwd: dir, env, install: installHint });
  try {
    await download();
  } catch (err) {
    // A fresh machine may have no package lists yet; root can fetch them.
    if (process.getuid?.() !== 0) throw err;
    await runTool('apt-get', ['update', '-qq'], { env });
    await download();
  }
}
