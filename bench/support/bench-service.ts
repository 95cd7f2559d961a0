import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, startApiProcess, type ApiProcess } from '../../test/support/api-process';

export const BENCH_TOKEN = `bench-${randomBytes(8).toString('hex')}`;

export interface BenchService {
  api: ApiProcess;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * A fresh database on the local PostgreSQL server (BENCH_DATABASE_URL or TEST_DATABASE_URL to override) and the
 * built service as a separate process, so the bench measures what a deployment runs.
 */
export async function startBenchService(env: Record<string, string> = {}): Promise<BenchService> {
  const adminUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `twin_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const api = await startApiProcess(
    { DATABASE_URL: databaseUrl, ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent', ...env },
    await freePort(),
  );
  return {
    api,
    databaseUrl,
    async stop() {
      api.child.kill('SIGTERM');
      await api.stopped;
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
