import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RigConnection, type WireSample } from '../../apps/rig-sim/src/rig-connection';
import { apiCall } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * SIGTERM in the middle of a stream (real process, real PostgreSQL): the service stops accepting,
 * commits and acknowledges what it took, checkpoints every twin at its last committed sample and
 * tells the rig why it closes the socket.
 */
const adminUrl = inject('pgAdminUrl');
let db: TestDatabase;
let api: ApiProcess | null = null;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
  if (db.url) {
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }
});
afterAll(async () => {
  api?.child.kill('SIGKILL');
  await sql?.end();
  await db?.drop();
});

describe.skipIf(!adminUrl)('graceful shutdown (SIGTERM during ingest)', () => {
  it('stores every acked sample once, checkpoints the final twin state and tells the rig why', async () => {
    const port = await freePort();
    // No periodic checkpoint during the run: any checkpoint found afterwards was written by the shutdown.
    const env = { DATABASE_URL: db.url!, ADMIN_TOKEN, CHECKPOINT_EVERY_SAMPLES: '1000000' };
    api = await startApiProcess(env, port);
    expect((await apiCall(api.url, 'POST', '/cells', sampleCell('term-1', { initialSoc: 0.4 }))).status).toBe(
      201,
    );

    const rig = new RigConnection(api.url, ADMIN_TOKEN);
    const acked = new Set<number>();
    rig.onAck = (_c, _ack, batch) => batch.forEach((s) => acked.add(s.seq));
    const notices: { reason: string; retryAfterMs: number }[] = [];
    rig.socket.on('shutdown', (n) => notices.push(n));
    const disconnected = new Promise<string>((r) => rig.socket.once('disconnect', (reason) => r(reason)));
    const t0 = Date.UTC(2026, 10, 3);
    const total = 8000;
    const all: WireSample[] = Array.from({ length: total }, (_, seq) => ({
      seq,
      ts: t0 + seq * 1000,
      voltageV: 3.5 + 0.4 * Math.sin(seq / 300),
      currentA: Math.sin(seq / 300) > 0 ? 0.0025 : -0.0025,
    }));
    for (let i = 0; i < total; i += 40) rig.send('term-1', all.slice(i, i + 40));
    await eventually(
      async () => acked.size,
      (n) => n >= 2000,
      30_000,
    );
    api.child.kill('SIGTERM');
    await api.stopped;
    expect(api.output()).toMatch(/closing 1 sockets: server shutting down/);
    expect(await disconnected).toBe('io server disconnect');
    expect(notices).toEqual([{ reason: 'server shutting down (SIGTERM)', retryAfterMs: 1000 }]);
    rig.close();

    const { rows } = await sql.query<{ seq: number }>(
      "SELECT seq::int AS seq FROM samples WHERE cell_id = 'term-1' ORDER BY seq",
    );
    const stored = rows.map((r) => r.seq);
    expect(new Set(stored).size).toBe(stored.length);
    const storedSet = new Set(stored);
    for (const seq of acked) expect(storedSet.has(seq)).toBe(true);
    expect(acked.size).toBeLessThan(total); // the stream really was cut mid-way
    const maxSeq = stored[stored.length - 1];
    const checkpoint = await sql.query<{ seq: number; state: { last: { seq: number } } }>(
      "SELECT seq::int AS seq, state FROM twin_checkpoints WHERE cell_id = 'term-1' ORDER BY seq DESC LIMIT 1",
    );
    expect(checkpoint.rows[0].seq).toBe(maxSeq);
    expect(checkpoint.rows[0].state.last.seq).toBe(maxSeq);
    const latest = await sql.query<{ seq: number; payload: unknown }>(
      "SELECT seq::int AS seq, payload FROM twin_latest WHERE cell_id = 'term-1'",
    );
    expect(latest.rows[0].seq).toBe(maxSeq);

    // The checkpointed state is the state of an uninterrupted run over the same stored samples.
    api = await startApiProcess(env, port);
    const resumed = (await apiCall(api.url, 'GET', '/cells/term-1')).body.state;
    expect(resumed).toEqual(latest.rows[0].payload);
    await apiCall(api.url, 'POST', '/cells', sampleCell('term-ref', { initialSoc: 0.4 }));
    const storedSamples = all.filter((s) => storedSet.has(s.seq));
    for (let i = 0; i < storedSamples.length; i += 5000) {
      await apiCall(api.url, 'POST', '/cells/term-ref/samples', {
        samples: storedSamples.slice(i, i + 5000),
      });
    }
    const ref = await eventually(
      async () => (await apiCall(api!.url, 'GET', '/cells/term-ref')).body.state,
      (s) => s?.seq === maxSeq,
      20_000,
    );
    expect({ ...resumed, cellId: '' }).toEqual({ ...ref, cellId: '' });
    api.child.kill('SIGTERM');
    await api.stopped;
    api = null;
  });
});
