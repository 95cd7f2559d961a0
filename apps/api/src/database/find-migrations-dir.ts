import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Walks up from the running file to the repository's infra/db/migrations (same in src and dist). */
export function findMigrationsDir(start: string = import.meta.dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'infra', 'db', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`infra/db/migrations not found above ${start}`);
    dir = parent;
  }
}

/** The repository (or image) root: the folder that holds infra/db/migrations. */
export function findRepoRoot(start: string = import.meta.dirname): string {
  return join(findMigrationsDir(start), '..', '..', '..');
}
