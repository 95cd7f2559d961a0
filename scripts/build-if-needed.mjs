// Rebuilds dist/ when any source file is newer than the last build (npm start "builds if needed").
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const SOURCES = ['apps', 'libs', 'package.json', 'vite.server.config.mts'];

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

export function buildIfNeeded() {
  const marker = join(root, 'dist', 'api.mjs');
  const sourceTime = Math.max(
    ...SOURCES.map((s) => join(root, s))
      .filter(existsSync)
      .map(newestMtime),
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= sourceTime) return;
  console.log('building Operando Twin (first start or sources changed)…');
  build();
}

/** The service bundle (dist/api.mjs) and, where its sources are present, the dashboard. */
export function build() {
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '-c',
      'vite.server.config.mts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (existsSync(join(root, 'apps', 'dashboard', 'index.html')) && !process.env.SKIP_DASHBOARD_BUILD) {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '-c',
        'apps/dashboard/vite.config.mts',
        '--logLevel',
        'warn',
      ],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
}

// `npm run build` passes --force: build even when dist/ looks current.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--force')) build();
  else buildIfNeeded();
}
