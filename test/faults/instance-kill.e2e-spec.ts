import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RigConnection, type WireSample } from '../../apps/rig-sim/src/rig-connection';
import { apiCall, storedSeqs } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { startFailoverProxy, type FailoverProxy } from '../support/failover-proxy';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Two real instances behind a load balancer (a TCP forwarder here); the one every rig talks to is
 * killed with SIGKILL mid-stream. The balancer sends the rig to the survivor, which writes the
 * resends, takes the dead instance's cells once their leases expire, and resumes their twins from
 * the newest checkpoints.
 */
const adminUrl = inject('pgAdminUrl');
const CELLS = ['kill-1', 'kill-2', 'kill-3'];
const TOTAL = 3000;
const T0 = Date.UTC(2026, 4, 1);
let db: TestDatabase;
let sql: pg.Client;
let proxy: FailoverProxy | null = null;
const apis: ApiProcess[] = [];

const series = (cell: number): WireSample[] =>
  Array.from({ length: TOTAL }, (_, seq) => ({
    seq,
    ts: T0 + seq * 1000,
    voltageV: 3.5 + 0.4 * Math.sin((seq + 40 * cell) / 250),
    currentA: Math.sin((seq + 40 * cell) / 250) > 0 ? 0.0025 : -0.0025,
    temperatureC: 25 + (seq % 5) / 10,
  }));

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
  if (db.url) {
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }
});
afterAll(async () => {
  for (const api of apis) api.child.kill('SIGKILL');
  await proxy?.close();
  await sql?.end();
  await db?.drop();
});

describe.skipIf(!adminUrl)('an instance killed with SIGKILL mid-batch (two real processes)', () => {
  it('moves its cells to the survivor; every acked sample stored once; twins resume exactly', async () => {
    const env = {
      DATABASE_URL: db.url!,
      ADMIN_TOKEN,
      LEASE_TTL_MS: '2000',
      OWNERSHIP_POLL_MS: '100',
      CHECKPOINT_EVERY_SAMPLES: '300',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startApiProcess({ ...env, INSTANCE_ID: 'kill-a' }, portA);
    apis.push(a);
    const b = await startApiProcess({ ...env, INSTANCE_ID: 'kill-b' }, portB);
    apis.push(b);
    proxy = await startFailoverProxy(portA);
    for (const id of [...CELLS, ...CELLS.map((c) => `${c}-ref`)]) {
      expect((await apiCall(b.url, 'POST', '/cells', sampleCell(id))).status).toBe(201);
    }

    const rig = new RigConnection(proxy.url, ADMIN_TOKEN);
    const acked = new Map(CELLS.map((c) => [c, new Set<number>()]));
    rig.onAck = (cellId, _ack, batch) => batch.forEach((s) => acked.get(cellId)!.add(s.seq));
    const data = CELLS.map((_, i) => series(i));
    const send = (from: number, to: number) =>
      CELLS.forEach((cellId, i) => {
        for (let k = from; k < to; k += 50) rig.send(cellId, data[i].slice(k, Math.min(to, k + 50)));
      });

    send(0, 1500);
    await eventually(
      async () => Math.min(...[...acked.values()].map((s) => s.size)),
      (n) => n >= 900,
      30_000,
    );
    const leases = await sql.query('SELECT cell_id, owner FROM cell_leases WHERE cell_id = ANY($1)', [CELLS]);
    expect(leases.rows.map((r) => r.owner)).toEqual(['kill-a', 'kill-a', 'kill-a']);
    send(1500, TOTAL);
    a.child.kill('SIGKILL');
    expect(await a.stopped).toBeNull();
    const ackedBeforeKill = CELLS.map((c) => new Set(acked.get(c)));
    proxy.switchTo(portB);

    expect(await rig.drain(60_000)).toBe(true);
    rig.close();
    for (const [i, cellId] of CELLS.entries()) {
      const seqs = await storedSeqs(b.url, cellId);
      expect(seqs.length).toBe(TOTAL);
      expect(new Set(seqs).size).toBe(TOTAL);
      const stored = new Set(seqs);
      for (const seq of ackedBeforeKill[i]) expect(stored.has(seq)).toBe(true);
    }

    await eventually(
      async () =>
        (
          await sql.query("SELECT cell_id FROM cell_leases WHERE owner = 'kill-b' AND cell_id = ANY($1)", [
            CELLS,
          ])
        ).rowCount,
      (n) => n === CELLS.length,
      15_000,
    );
    expect(b.output()).toMatch(/took over kill-\d; resuming its twin from the newest checkpoint/);
    for (const [i, cellId] of CELLS.entries()) {
      await apiCall(b.url, 'POST', `/cells/${cellId}-ref/samples`, { samples: data[i] });
      const stateOf = (id: string) =>
        eventually(
          async () => (await apiCall(b.url, 'GET', `/cells/${id}`)).body.state,
          (s) => s?.seq === TOTAL - 1,
          20_000,
        );
      const ref = await stateOf(`${cellId}-ref`);
      const resumed = await stateOf(cellId);
      expect({ ...resumed, cellId: '' }).toEqual({ ...ref, cellId: '' });
      const cycles = async (id: string) => (await apiCall(b.url, 'GET', `/cells/${id}/cycles`)).body.cycles;
      expect(await cycles(cellId)).toEqual(await cycles(`${cellId}-ref`));
    }
  });
});
