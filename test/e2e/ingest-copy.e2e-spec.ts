import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseService } from '../../apps/api/src/database/database.service';
import { SamplesRepository, type SampleToWrite } from '../../apps/api/src/samples/samples.repository';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * The binary-COPY write path against the real PostgreSQL server: it stores exactly what the INSERT
 * path stores, never stores a (cell, seq) twice — also when another writer commits the same key
 * between its probe and its COPY — and keeps the ownership bookkeeping (pending flags, twin_pending).
 */
const adminUrl = inject('pgAdminUrl');
const T0 = Date.UTC(2026, 10, 26);
let db: TestDatabase;
let t: TestApp;
let repo: SamplesRepository;
let database: DatabaseService;
let sql: pg.Client;

const row = (cellId: string, seq: number, k = seq): SampleToWrite => ({
  cellId,
  sample: {
    seq,
    // fractional milliseconds, half-microsecond ties included: both paths must round them alike
    tsMs: T0 + k * 100 + [0, 0.5, 0.0005, 0.0015, 0.123456][k % 5],
    voltageV: 3.5 + 0.3 * Math.sin(k / 7),
    currentA: k % 3 === 0 ? -0.0025 : 0.1 + 0.2,
    temperatureC: k % 4 === 0 ? null : 25 + k / 1000,
    cycle: k % 6 === 0 ? null : Math.floor(k / 10),
    step: k % 5 === 0 ? null : 2_147_483_647 - k,
  },
});
const rows = (cellId: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => row(cellId, from + k));

async function stored(cellId: string) {
  const { rows: r } = await sql.query(
    `SELECT seq::int, (extract(epoch FROM ts) * 1000000)::text AS ts_us, voltage_v, current_a,
       temperature_c, cycle, step FROM samples WHERE cell_id = $1 ORDER BY seq`,
    [cellId],
  );
  return r;
}

/** Resolves once a COPY into samples waits for a lock (ours, behind the other writer's key). */
function copyWaitsForALock() {
  return eventually(
    async () =>
      (
        await sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'COPY samples%'`,
        )
      ).rows[0].n,
    (n) => n > 0,
    10_000,
  );
}

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
  t = await startTestApp(db.url);
  repo = t.app.get(SamplesRepository);
  database = t.app.get(DatabaseService);
  sql = new pg.Client({ connectionString: db.url! });
  await sql.connect();
  for (const id of [
    'cp-copy',
    'cp-insert',
    'cp-dup',
    'cp-race',
    'cp-race2',
    'cp-a',
    'cp-b',
    'cp-c',
    'cp-mine',
    'cp-other',
    'cp-sure',
    'cp-busy',
  ]) {
    expect((await t.request('POST', '/cells', sampleCell(id))).status).toBe(201);
  }
});
afterAll(async () => {
  await sql?.end();
  await t?.close();
  await db?.drop();
});

describe.skipIf(!adminUrl)('ingest by binary COPY (real PostgreSQL server)', () => {
  it('is the path taken on a PostgreSQL server', () => {
    expect(database.copyIn).toBe(true);
  });

  it('stores the same rows as the INSERT path, timestamps rounded alike', async () => {
    const n = 300;
    const viaCopy = await repo.copyBatch(rows('cp-copy', 0, n), 'nobody');
    const viaInsert = await repo.insertBatchByStatement(rows('cp-insert', 0, n), 'nobody');
    expect(viaCopy).toHaveLength(n);
    expect(viaInsert).toHaveLength(n);
    const a = await stored('cp-copy');
    const b = await stored('cp-insert');
    expect(a).toHaveLength(n);
    expect(a).toEqual(b);
    expect(a.some((r) => r.temperature_c === null) && a.some((r) => r.step === 2_147_483_646)).toBe(true);
  });

  it('counts a resend as duplicates and stores nothing twice', async () => {
    expect(await repo.insertBatch(rows('cp-dup', 0, 500), 'nobody')).toHaveLength(500);
    // half old, half new, plus a scattered old key far below (the per-key probe)
    const resend = [...rows('cp-dup', 250, 750), row('cp-dup', 3)];
    const inserted = await repo.insertBatch(resend, 'nobody');
    expect(inserted.map((r) => r.seq)).toEqual(Array.from({ length: 250 }, (_, k) => 500 + k));
    expect(await stored('cp-dup')).toHaveLength(750);
  });

  it('gives way when another writer commits one of its keys between probe and COPY', async () => {
    const other = new pg.Client({ connectionString: db.url! });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO samples (cell_id, seq, ts, voltage_v, current_a) VALUES ('cp-race', 42, now(), 3.7, 0)`,
      );
      // The probe cannot see the uncommitted row; the COPY then waits on its key.
      const attempt = repo.copyBatch(rows('cp-race', 0, 100), 'nobody');
      await copyWaitsForALock();
      await other.query('COMMIT');
      expect(await attempt).toBeNull();
      expect((await stored('cp-race')).map((r) => r.seq)).toEqual([42]);

      // The public call falls back to ON CONFLICT and counts the key as a duplicate.
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO samples (cell_id, seq, ts, voltage_v, current_a) VALUES ('cp-race2', 7, now(), 3.7, 0)`,
      );
      const write = repo.insertBatch(rows('cp-race2', 0, 20), 'nobody');
      await copyWaitsForALock();
      await other.query('COMMIT');
      const inserted = await write;
      expect(inserted.map((r) => r.seq)).toEqual(
        Array.from({ length: 20 }, (_, k) => k).filter((s) => s !== 7),
      );
      expect(await stored('cp-race2')).toHaveLength(20);
    } finally {
      await other.end();
    }
  });

  it('two writers racing on the same keys store each once and accept each once', async () => {
    let seq = 0;
    for (let round = 0; round < 6; round++) {
      const batch = ['cp-a', 'cp-b', 'cp-c'].flatMap((c) => rows(c, seq, seq + 400));
      // shifted copies overlap partly: some keys are new to one writer only
      const shifted = ['cp-a', 'cp-b', 'cp-c'].flatMap((c) => rows(c, seq + 200, seq + 600));
      const [x, y] = await Promise.all([
        repo.insertBatch(batch, 'nobody'),
        repo.insertBatch(shifted, 'nobody'),
      ]);
      const accepted = [...x, ...y].map((r) => `${r.cell_id}:${r.seq}`);
      expect(new Set(accepted).size).toBe(accepted.length);
      expect(accepted).toHaveLength(3 * 600);
      seq += 600;
    }
    const { rows: twice } = await sql.query(
      `SELECT cell_id, seq FROM samples WHERE cell_id LIKE 'cp-_' GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
    for (const c of ['cp-a', 'cp-b', 'cp-c']) expect(await stored(c)).toHaveLength(seq);
  });

  it('flags rows of cells held elsewhere as pending and announces them in twin_pending', async () => {
    const me = t.config.instanceId;
    await sql.query(
      `INSERT INTO cell_leases (cell_id, owner, expires_at) VALUES
         ('cp-mine', $1, now() + interval '1 hour'), ('cp-other', 'another-instance', now() + interval '1 hour')`,
      [me],
    );
    const inserted = await repo.insertBatch([...rows('cp-mine', 10, 20), ...rows('cp-other', 30, 40)], me);
    expect(inserted.filter((r) => r.pending).map((r) => r.cell_id)).toEqual(Array(10).fill('cp-other'));
    expect(inserted.filter((r) => !r.pending).map((r) => r.cell_id)).toEqual(Array(10).fill('cp-mine'));
    // a later, lower resend of the other cell's rows lowers min_seq; the held cell is never announced
    await repo.insertBatch([...rows('cp-other', 25, 35)], me);
    const { rows: pending } = await sql.query(
      `SELECT cell_id, min_seq::int FROM twin_pending WHERE cell_id IN ('cp-mine', 'cp-other')`,
    );
    expect(pending).toEqual([{ cell_id: 'cp-other', min_seq: 25 }]);

    // rows stored by an attempt whose announcement was lost: their resend, all duplicates, announces them
    await sql.query("DELETE FROM twin_pending WHERE cell_id = 'cp-other'");
    expect(await repo.insertBatch(rows('cp-other', 30, 40), me)).toEqual([]);
    const { rows: again } = await sql.query(
      `SELECT cell_id, min_seq::int FROM twin_pending WHERE cell_id IN ('cp-mine', 'cp-other')`,
    );
    expect(again).toEqual([{ cell_id: 'cp-other', min_seq: 30 }]);
  });

  it('asks nobody about cells whose lease is surely held, and still about the others', async () => {
    const me = t.config.instanceId;
    // The lease table says another instance holds both: only a statement that asks would see that.
    await sql.query(
      `INSERT INTO cell_leases (cell_id, owner, expires_at) VALUES ('cp-sure', 'another-instance', now() + interval '1 hour')
       ON CONFLICT (cell_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at`,
    );
    await sql.query("UPDATE cell_leases SET owner = 'another-instance' WHERE cell_id = 'cp-other'");
    await sql.query("DELETE FROM twin_pending WHERE cell_id IN ('cp-sure', 'cp-other')");
    const inserted = await repo.insertBatch(
      [...rows('cp-sure', 0, 5), ...rows('cp-other', 100, 105)],
      me,
      (cellId) => cellId === 'cp-sure',
    );
    expect(inserted.filter((r) => !r.pending).map((r) => r.cell_id)).toEqual(Array(5).fill('cp-sure'));
    expect(inserted.filter((r) => r.pending).map((r) => r.cell_id)).toEqual(Array(5).fill('cp-other'));
    const { rows: pending } = await sql.query(
      `SELECT cell_id, min_seq::int FROM twin_pending WHERE cell_id IN ('cp-sure', 'cp-other')`,
    );
    expect(pending).toEqual([{ cell_id: 'cp-other', min_seq: 100 }]);
    expect(await stored('cp-sure')).toHaveLength(5);
  });

  it('acknowledges ingest while every shared connection is busy: the writers have their own', async () => {
    expect(database.writerPool).not.toBe(database.pool);
    // A cell already streaming: its lease is held and its token and cell are known.
    const first = await t.request('POST', '/cells/cp-busy/samples', {
      samples: [{ seq: 0, ts: T0, voltageV: 3.7, currentA: 0.001 }],
    });
    expect(first.status).toBe(201);
    const busy = Array.from({ length: t.config.poolSize }, () => database.pool.query('SELECT pg_sleep(1.5)'));
    await new Promise((r) => setTimeout(r, 100));
    const startedMs = performance.now();
    const res = await t.request('POST', '/cells/cp-busy/samples', {
      samples: [{ seq: 1, ts: T0 + 1000, voltageV: 3.7, currentA: 0.001 }],
    });
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(performance.now() - startedMs).toBeLessThan(1_000);
    await Promise.all(busy);
  });
});
