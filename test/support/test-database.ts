import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** null means "use the embedded PGlite" (no server on this machine). */
  url: string | null;
  drop(): Promise<void>;
}

/** A fresh database on the real server for one test file, so files run in parallel without sharing rows. */
export async function createTestDatabase(adminUrl: string | null): Promise<TestDatabase> {
  if (!adminUrl) return { url: null, drop: async () => undefined };
  const name = `twin_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
