import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** Connection settings for `pg`: a unix-socket directory and the conventional port in its file name. */
  connection: { host: string; port: number; user: string; database: string };
  stop(): Promise<void>;
}

const SOCKET_PORT = 5432;

/**
 * The embedded default (no DATABASE_URL): official PGlite with its files in DATA_DIR, served on a
 * private unix socket so the service still speaks the PostgreSQL wire protocol through `pg`
 * (../shared/docs/database.md). A unix socket avoids claiming a TCP port on the user's machine.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedPostgres> {
  const pgliteDir = join(dataDir, 'pglite');
  mkdirSync(pgliteDir, { recursive: true });
  const db = await PGlite.create({ dataDir: pgliteDir });
  const socketDir = mkdtempSync(join(tmpdir(), 'operando-twin-pg-'));
  const server = new PGLiteSocketServer({
    db,
    path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
    maxConnections,
  });
  await server.start();
  return {
    connection: { host: socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' },
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
