// npm run demo: the service on the embedded database plus simulated rigs, live data within seconds.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = resolve(import.meta.dirname, '..');
buildIfNeeded();
const port = process.env.PORT ?? '3000';
const token = process.env.ADMIN_TOKEN ?? `demo-${randomBytes(12).toString('hex')}`;
const env = {
  ...process.env,
  PORT: port,
  ADMIN_TOKEN: token,
  DATA_DIR: process.env.DATA_DIR ?? resolve(root, 'data', 'demo'),
};
const url = `http://localhost:${port}`;

const api = spawn(process.execPath, [resolve(root, 'dist', 'api.mjs')], { env, stdio: 'inherit' });
let rigs = null;
const stop = () => {
  rigs?.kill('SIGTERM');
  api.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
api.on('exit', (code) => {
  rigs?.kill('SIGTERM');
  process.exit(code ?? 0);
});

for (let i = 0; i < 600; i++) {
  try {
    if ((await fetch(`${url}/api/v1/health`)).ok) break;
  } catch {
    /* starting */
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`\n  Operando Twin demo: open ${url}/#token=${token}\n  (admin token: ${token})\n`);
rigs = spawn(
  process.execPath,
  [
    resolve(root, 'dist', 'rig-sim.mjs'),
    '--url',
    url,
    '--token',
    token,
    '--create',
    '--cells',
    process.env.DEMO_CELLS ?? '6',
    '--accel',
    '120',
    '--quiet',
  ],
  { env, stdio: 'inherit' },
);
