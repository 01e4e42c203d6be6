import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found from this file both as TypeScript (test/support) and compiled for the
 * benchmarks (dist/test/support): the nearest directory holding nest-cli.json.
 */
function findRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  }
  throw new Error(`no nest-cli.json above ${from}`);
}

export const ROOT = findRoot(__dirname);
