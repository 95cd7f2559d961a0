import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './test-app';

export interface CliService {
  t: TestApp;
  /** A scratch folder for the files a spec writes and reads. */
  dir: string;
  /** What the `twin` CLI needs to reach the service. */
  env: Record<string, string>;
}

/**
 * For a CLI spec file: a fresh database, the service on it and a scratch folder, set up before its
 * tests and removed after. The returned object is filled in by the time the tests run.
 */
export function cliService(dirPrefix: string): CliService {
  const ctx = {} as CliService;
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    ctx.t = await startTestApp(db.url);
    ctx.dir = mkdtempSync(join(tmpdir(), dirPrefix));
    ctx.env = { TWIN_URL: ctx.t.url, TWIN_TOKEN: ADMIN_TOKEN };
  });
  afterAll(async () => {
    await ctx.t?.close();
    await db?.drop();
    if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}
