import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { RigConnection, type WireSample } from '../../apps/rig-sim/src/rig-connection';
import { apiCall } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import {
  privatePostgresAvailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres';

/**
 * PostgreSQL stopped for 30 s under ingest, then started again (a private server, so the machine's
 * shared one is never touched): the service answers 503 + Retry-After meanwhile, keeps answering
 * /health, the pool reconnects, the rig's resends fill the gap, nothing acknowledged is lost or
 * stored twice, and the twin ends exactly where an uninterrupted run ends.
 */
const OUTAGE_MS = 30_000;
let server: PrivatePostgres | null = null;
let api: ApiProcess | null = null;

afterAll(async () => {
  api?.child.kill('SIGKILL');
  if (api) await api.stopped;
  server?.destroy();
});

describe.skipIf(!privatePostgresAvailable)('PostgreSQL outage under ingest (private PostgreSQL 15)', () => {
  it('loses nothing acknowledged, stores nothing twice, resumes the rig and catches the twin up', async () => {
    server = await startPrivatePostgres();
    api = await startApiProcess(
      { DATABASE_URL: server.url, ADMIN_TOKEN, CHECKPOINT_EVERY_SAMPLES: '500', LOG_LEVEL: 'info' },
      await freePort(),
    );
    const url = api.url;
    expect((await apiCall(url, 'POST', '/cells', sampleCell('pg-out', { initialSoc: 0.6 }))).status).toBe(
      201,
    );
    const rig = new RigConnection(url, ADMIN_TOKEN);
    const acked = new Set<number>();
    const errors: string[] = [];
    rig.onAck = (_c, _a, batch) => batch.forEach((s) => acked.add(s.seq));
    rig.onError = (_c, message) => errors.push(message);
    const t0 = Date.UTC(2026, 10, 4);
    const total = 9000;
    const all: WireSample[] = Array.from({ length: total }, (_, seq) => ({
      seq,
      ts: t0 + seq * 1000,
      voltageV: 3.6 + 0.3 * Math.sin(seq / 400),
      currentA: Math.sin(seq / 400) > 0 ? 0.002 : -0.002,
      temperatureC: 25,
    }));
    let sent = 0;
    const sendUpTo = (n: number) => {
      for (; sent < n; sent += 50) rig.send('pg-out', all.slice(sent, sent + 50));
    };
    sendUpTo(3000);
    await eventually(
      async () => acked.size,
      (n) => n >= 1500,
      30_000,
    );

    server.stop();
    const ackedBeforeOutage = acked.size;
    sendUpTo(6000);
    // A token the auth cache has not seen must be checked in the database: 503, not 500.
    const fresh = await apiCall(url, 'GET', '/cells', undefined, 'ot_admin_never-seen-before-token');
    expect(fresh.status).toBe(503);
    expect(fresh.headers.get('retry-after')).toBe('2');
    const ingest = await apiCall(url, 'POST', '/cells/pg-out/samples', { samples: all.slice(6000, 6010) });
    expect(ingest.status).toBe(503);
    expect(ingest.body.error.code).toBe('UNAVAILABLE');
    expect(Number(ingest.headers.get('retry-after'))).toBeGreaterThan(0);
    const ready = await apiCall(url, 'GET', '/ready', undefined, '');
    expect(ready.status).toBe(503);
    expect(ready.body.database.ok).toBe(false);
    expect((await apiCall(url, 'GET', '/health', undefined, '')).status).toBe(200);
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(acked.size - ackedBeforeOutage).toBeLessThan(200); // nothing (but the in-flight batch) got through
    expect(errors.some((m) => m.includes('database unavailable'))).toBe(true);
    expect(api.child.exitCode).toBeNull();

    server.start();
    sendUpTo(total);
    expect(await rig.drain(120_000)).toBe(true);
    rig.close();
    expect((await apiCall(url, 'GET', '/ready', undefined, '')).status).toBe(200);

    const sql = new pg.Client({ connectionString: server.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ n: number; d: number; lo: number; hi: number }>(
        "SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, min(seq)::int AS lo, max(seq)::int AS hi FROM samples WHERE cell_id = 'pg-out'",
      );
      expect(rows[0]).toEqual({ n: total, d: total, lo: 0, hi: total - 1 });
    } finally {
      await sql.end();
    }
    expect(acked.size).toBe(total);

    await apiCall(url, 'POST', '/cells', sampleCell('pg-ref', { initialSoc: 0.6 }));
    for (let i = 0; i < total; i += 5000) {
      await apiCall(url, 'POST', '/cells/pg-ref/samples', { samples: all.slice(i, i + 5000) });
    }
    const stateOf = async (id: string) => (await apiCall(url, 'GET', `/cells/${id}`)).body.state;
    const ref = await eventually(
      () => stateOf('pg-ref'),
      (s) => s?.seq === total - 1,
      30_000,
    );
    const caughtUp = await eventually(
      () => stateOf('pg-out'),
      (s) => s?.seq === total - 1,
      30_000,
    );
    expect({ ...caughtUp, cellId: '' }).toEqual({ ...ref, cellId: '' });
  }, 240_000);
});
