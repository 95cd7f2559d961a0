import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngestService } from '../../apps/api/src/ingest/ingest.service';
import { TwinRepository } from '../../apps/api/src/twin/twin.repository';
import { TwinService } from '../../apps/api/src/twin/twin.service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * When the model steps slower than samples commit, the writers hold their next batch once the rows
 * waiting for the twin pass max((INGEST_WRITERS + 1) × INGEST_BATCH_MAX_ROWS, INGEST_MAX_PENDING_ROWS / 8): acks come
 * later instead of the twin queue filling to the ingest bound (and every rig then getting 503s).
 * The twin is held back here by a gate in front of the real TwinService.applyBatch.
 */
const BATCH_ROWS = 100;
const MAX_PENDING = 2_000;
const WRITERS = 2;
const LAG_LIMIT = Math.max((WRITERS + 1) * BATCH_ROWS, MAX_PENDING / 8);
const T0 = Date.UTC(2026, 10, 26);
let db: TestDatabase;
let t: TestApp;
let sql: pg.Client;

const samples = (from: number, n: number) =>
  Array.from({ length: n }, (_, k) => ({
    seq: from + k,
    ts: T0 + (from + k) * 1000,
    voltageV: 3.6 + (from + k) / 10_000,
    currentA: 0.001,
  }));

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url, {
    RATE_LIMIT_PER_SECOND: '0',
    INGEST_MAX_PENDING_ROWS: String(MAX_PENDING),
    INGEST_BATCH_MAX_ROWS: String(BATCH_ROWS),
    INGEST_WRITERS: String(WRITERS),
    CHECKPOINT_EVERY_SAMPLES: '100',
  });
  sql = new pg.Client({ connectionString: db.url ?? undefined });
  await sql.connect();
  for (const id of ['lag-1', 'lag-2'])
    expect((await t.request('POST', '/cells', sampleCell(id))).status).toBe(201);
});
afterAll(async () => {
  await sql?.end();
  await t?.close();
  await db?.drop();
});

describe.skipIf(!inject('pgAdminUrl'))('ingest held back by a lagging twin', () => {
  it('delays acks while the twin is behind, refuses nothing, and answers everything once it catches up', async () => {
    const gate = holdCalls(t.app.get(TwinService), 'applyBatch');
    try {
      await ingestWhileTheTwinWaits(t.app.get(IngestService), gate.open);
    } finally {
      gate.open();
      gate.restore();
    }
    const state = await eventually(
      async () => (await t.request('GET', '/cells/lag-1')).body.state,
      (s) => s?.seq === 1_199,
      10_000,
    );
    expect(state.seq).toBe(1_199);
  });
});

describe.skipIf(!inject('pgAdminUrl'))('twin writes off the twin queue', () => {
  it('keeps stepping while a checkpoint write waits for the database, and stores every checkpoint after', async () => {
    const post = (b: number) =>
      // A twin queue stuck behind the write would hold the writers (the lag limit) and this answer.
      within(t.request('POST', '/cells/lag-2/samples', { samples: samples(b * 100, 100) }), 5_000);
    const stateAt = (seq: number) =>
      eventually(
        async () => (await t.request('GET', '/cells/lag-2')).body.state,
        (s) => s?.seq === seq,
        5_000,
      );
    const checkpointSeqs = async () =>
      (
        await sql.query("SELECT seq::int FROM twin_checkpoints WHERE cell_id = 'lag-2' ORDER BY seq")
      ).rows.map((r) => r.seq);
    // A cell already streaming: its twin is in memory. (A twin still loading when the next batch
    // commits takes that batch as late and recomputes, and a recompute waits for earlier writes.)
    expect((await post(0)).status).toBe(201);
    expect((await stateAt(99)).seq).toBe(99);
    const gate = holdCalls(t.app.get(TwinRepository), 'saveCheckpoints');
    try {
      for (let b = 1; b < 5; b++) {
        expect((await post(b)).status).toBe(201);
      }
      // Every batch reaches a checkpoint (cadence 100); none can be written yet, the twin goes on.
      expect((await stateAt(499)).seq).toBe(499);
      expect(await checkpointSeqs()).toEqual([]);
    } finally {
      gate.open();
      gate.restore();
    }
    // Each batch after the first (which the twin's load stepped) closes with a checkpoint.
    expect(await eventually(checkpointSeqs, (seqs) => seqs.at(-1) === 499, 5_000)).toEqual([
      199, 299, 399, 499,
    ]);
  });
});

/**
 * Holds every call of `target[method]` until `open()`, then lets it through to the real method;
 * `restore()` puts the method back. A gate in front of a real part, not a stand-in for it.
 */
function holdCalls<T extends object, K extends keyof T>(target: T, method: K) {
  const real = target[method] as (...args: unknown[]) => Promise<unknown>;
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  target[method] = (async (...args: unknown[]) => {
    await gate;
    return real.apply(target, args);
  }) as T[K];
  return { open, restore: () => void (target[method] = real as T[K]) };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)),
  ]);
}

async function ingestWhileTheTwinWaits(ingest: IngestService, openGate: () => void): Promise<void> {
  let answered = 0;
  const posts = Array.from({ length: 12 }, (_, i) =>
    t.request('POST', '/cells/lag-1/samples', { samples: samples(i * 100, 100) }).then((res) => {
      answered += 1;
      return res;
    }),
  );
  // The writers commit until the waiting rows pass the limit, then hold the rest.
  await eventually(
    async () => ingest.queueDepth.twinRows,
    (rows) => rows > LAG_LIMIT,
    5_000,
  );
  await new Promise((r) => setTimeout(r, 500));
  expect(ingest.queueDepth.twinRows).toBeLessThanOrEqual(LAG_LIMIT + WRITERS * BATCH_ROWS);
  expect(answered).toBeLessThanOrEqual((LAG_LIMIT + WRITERS * BATCH_ROWS) / 100);
  expect(answered).toBeLessThan(12);

  openGate();
  const results = await Promise.all(posts);
  expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
  expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(1_200);
  const { rows } = await sql.query("SELECT count(*)::int AS n FROM samples WHERE cell_id = 'lag-1'");
  expect(rows[0].n).toBe(1_200);
}
