import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The streamflow package folder (holds the shipped contracts and topology), from src/ or dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'schemas', 'checkout', 'contracts.yaml'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the streamflow package folder (schemas/checkout is missing)');
    dir = parent;
  }
  return (cached = dir);
}

export const shippedContractsDir = () => path.join(packageRoot(), 'schemas', 'checkout');
export const shippedTopologyFile = () => path.join(packageRoot(), 'streamflow.topology.yaml');
