import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildIfNeeded } from '../../scripts/build-if-needed.mjs';
import { freePort, startApiProcess, type ApiProcess } from '../../test/support/api-process';
import { benchPostgresUrl } from './bench-postgres';

export const BENCH_TOKEN = `bench-${randomBytes(8).toString('hex')}`;

export interface BenchService {
  api: ApiProcess;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * A fresh database on `serverUrl`'s server (see benchPostgresUrl) and the built service as a
 * separate process, so the bench measures what a deployment runs.
 */
export async function startBenchService(
  env: Record<string, string> = {},
  serverUrl?: string,
): Promise<BenchService> {
  buildIfNeeded();
  const adminUrl = serverUrl ?? (await benchPostgresUrl('shared'));
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
    { ownSession: true },
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

/** One sample for a cell through the HTTP ingest endpoint; throws unless it was taken. */
export async function postOneSample(
  url: string,
  cellId: string,
  seq: number,
  voltageV: number,
): Promise<void> {
  const res = await fetch(`${url}/api/v1/cells/${cellId}/samples`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ samples: [{ seq, ts: Date.now(), voltageV, currentA: 0.002 }] }),
  });
  if (!res.ok) throw new Error(`sample for ${cellId}: ${res.status} ${await res.text()}`);
}

/** The same NCM811 | Li6PS5Cl test cell under each id, created through the API. */
export async function createCells(url: string, cellIds: readonly string[]): Promise<void> {
  for (const id of cellIds) {
    await fetch(`${url}/api/v1/cells`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id,
        cathode: 'NCM811',
        electrolyte: 'Li6PS5Cl',
        nominalCapacityAh: 0.005,
        electrodeAreaCm2: 0.785,
        stackPressureMPa: 10,
      }),
    });
  }
}
