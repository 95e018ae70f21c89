import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Static imports and re-exports; `import type` and `export type` are erased at build time.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/**
 * Every module the CLI loads before a command's handler runs: the static import graphs of
 * src/cli/main.ts and of each command module (main imports the running one).
 */
function staticGraph(entries: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const deps: string[] = [];
    graph.set(file, deps);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (!spec!.startsWith('.')) {
        deps.push(spec!);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec!).replace(/\.js$/, '');
      const resolved = [`${base}.ts`, `${base}.tsx`].find((f) => fs.existsSync(f));
      if (!resolved) continue;
      deps.push(path.relative(ROOT, resolved));
      visit(resolved);
    }
  };
  for (const entry of entries) visit(path.join(ROOT, entry));
  return graph;
}

describe('Ink and React load lazily', () => {
  it('nothing the CLI imports statically reaches ink, react or src/tui', () => {
    const commands = fs.readdirSync(path.join(ROOT, 'commands')).map((f) => `commands/${f}`);
    const graph = staticGraph(['src/cli/main.ts', ...commands]);
    expect(graph.size).toBeGreaterThan(20);
    const offending = [...graph].flatMap(([file, deps]) =>
      deps.filter((d) => d === 'ink' || d === 'react' || d.startsWith('react/') || d.startsWith('src/tui/')).map((d) => `${path.relative(ROOT, file)} -> ${d}`),
    );
    expect(offending).toEqual([]);
  });

  it('the dashboard and demo commands load src/tui inside their handlers, in React\'s production build', () => {
    for (const command of ['commands/dashboard.ts', 'commands/demo.ts']) expect(fs.readFileSync(path.join(ROOT, command), 'utf8')).toMatch(/await loadDashboard\(\)/);
    const loader = fs.readFileSync(path.join(ROOT, 'src/cli/load-dashboard.ts'), 'utf8');
    expect(loader).toMatch(/process\.env\.NODE_ENV \?\?= 'production';\s+return import\('\.\.\/tui\/run-dashboard\.js'\)/);
  });
});

describe('streamflow dashboard without a terminal', () => {
  it('exits 2 and names what to use instead', async () => {
    const { PassThrough } = await import('node:stream');
    const { main } = await import('../../../src/cli/main.js');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += d));
    const code = await main(['dashboard'], { stdout, stderr, env: { STREAMFLOW_CONFIG: '/nonexistent/config.yaml', STREAMFLOW_STATE_DIR: '/nonexistent/state' }, signal: new AbortController().signal });
    expect(code).toBe(2);
    expect(err).toContain('dashboard needs an interactive terminal');
    expect(err).toContain('streamflow lag --watch 2s');
  });
});
