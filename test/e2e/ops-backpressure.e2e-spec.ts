import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RigConnection, type WireSample } from '../../apps/rig-sim/src/rig-connection';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, connected, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * Ingest bounded by INGEST_MAX_PENDING_ROWS (here a tiny 100): past it, HTTP gets 503 + Retry-After
 * and socket acks an UNAVAILABLE error with retryAfterMs, so rigs slow down and resend instead of
 * the server's memory growing; what was refused is not written, and a resending rig loses nothing.
 */
const LIMIT = 100;
let db: TestDatabase;
let t: TestApp;
let sql: pg.Client;
const T0 = Date.UTC(2026, 5, 1);
const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, k) => ({
    seq: from + k,
    ts: T0 + (from + k) * 1000,
    voltageV: 3.7,
    currentA: 0.001,
  }));

async function rows(cellId: string): Promise<number> {
  const r = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM samples WHERE cell_id = $1', [
    cellId,
  ]);
  return r.rows[0].n;
}

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_SECOND = '0';
  db = await createTestDatabase(inject('pgAdminUrl'));
  // A 30 ms batching window keeps rows pending long enough for concurrent requests to pile up.
  t = await startTestApp(db.url, { INGEST_MAX_PENDING_ROWS: String(LIMIT), INGEST_BATCH_MAX_WAIT_MS: '30' });
  sql = new pg.Client({ connectionString: db.url ?? undefined });
  await sql.connect();
  for (const id of ['bp-http', 'bp-sock', 'bp-rig-0', 'bp-rig-1', 'bp-rig-2', 'bp-rig-3']) {
    await t.request('POST', '/cells', sampleCell(id));
  }
});
afterAll(async () => {
  delete process.env.RATE_LIMIT_PER_SECOND;
  await sql?.end();
  await t?.close();
  await db?.drop();
});

describe.skipIf(!inject('pgAdminUrl'))('backpressure with a tiny pending-rows limit', () => {
  it('answers HTTP ingest past the limit with 503 + Retry-After and writes only what it accepted', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.request('POST', '/cells/bp-http/samples', { samples: batch(i * 40, 40) }),
      ),
    );
    const refused = results.filter((r) => r.status === 503);
    const accepted = results.filter((r) => r.status === 201);
    // 12 × 40 rows against a limit of 100: at most 2 requests fit while a batch is pending.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].body.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'ingest is saturated, retry later',
    });
    expect(refused[0].headers.get('retry-after')).toBe('1');
    expect(await rows('bp-http')).toBe(accepted.reduce((n, r) => n + r.body.accepted, 0));
  });

  it('answers socket ingest past the limit with {error: {code: UNAVAILABLE, retryAfterMs}}', async () => {
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const acks: any[] = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        rig.timeout(10_000).emitWithAck('samples', { cellId: 'bp-sock', samples: batch(i * 40, 40) }),
      ),
    );
    const refused = acks.filter((a) => a.error);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].error).toMatchObject({ code: 'UNAVAILABLE', retryAfterMs: 1000 });
    expect(await rows('bp-sock')).toBe(acks.reduce((n, a) => n + (a.accepted ?? 0), 0));
  });

  it('slows resending rigs down without losing samples, pending rows never above the limit', async () => {
    const rigs = [0, 1].map(() => new RigConnection(t.url, ADMIN_TOKEN));
    let refusals = 0;
    rigs.forEach((r) => (r.onError = () => (refusals += 1)));
    const perCell = 600;
    for (let c = 0; c < 4; c++) {
      const samples: WireSample[] = batch(0, perCell);
      for (let i = 0; i < perCell; i += 30) rigs[c % 2].send(`bp-rig-${c}`, samples.slice(i, i + 30));
    }
    let maxPending = 0;
    const sampler = setInterval(async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      maxPending = Math.max(maxPending, Number(/^twin_ingest_pending_rows (\d+)/m.exec(text)?.[1]));
    }, 20);
    const drained = await Promise.all(rigs.map((r) => r.drain(60_000)));
    clearInterval(sampler);
    rigs.forEach((r) => r.close());
    expect(drained).toEqual([true, true]);
    expect(maxPending).toBeLessThanOrEqual(LIMIT);
    for (let c = 0; c < 4; c++) expect(await rows(`bp-rig-${c}`)).toBe(perCell);
    console.log(`[ops-backpressure] ${refusals} refusals, max pending rows seen ${maxPending}`);
  });
});
