import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/api-process';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

export const privatePostgresAvailable = existsSync(join(BIN, 'pg_ctl'));

/**
 * Server settings (`-c name=value`). The fault tests' default trades durability for speed (they
 * stop the server, they never crash it); a benchmark passes `fsync: 'on'` and its own sizing.
 */
export type PostgresSettings = Record<string, string | number>;

const FAULT_TEST_SETTINGS: PostgresSettings = { fsync: 'off', max_connections: 50 };

/**
 * A throw-away PostgreSQL 15 server, so stopping or tuning it never disturbs the machine's shared
 * server. PostgreSQL refuses to run as root, hence `runuser -u postgres` when we are root.
 */
export async function startPrivatePostgres(
  settings: PostgresSettings = FAULT_TEST_SETTINGS,
): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'twin-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(
      asRoot ? 'runuser' : join(BIN, cmd),
      asRoot ? ['-u', 'postgres', '--', join(BIN, cmd), ...args] : args,
      {
        stdio: 'pipe',
      },
    );
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const options = [
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(' ');
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
