import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RigConnection, type WireSample } from '../../apps/rig-sim/src/rig-connection';
import { apiCall, storedSeqs } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const adminUrl = inject('pgAdminUrl');
let db: TestDatabase;
let api: ApiProcess | null = null;

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
});
afterAll(async () => {
  api?.child.kill('SIGKILL');
  await db?.drop();
});

describe.skipIf(!adminUrl)('kill -9 and restart (real processes, real PostgreSQL server)', () => {
  it('loses no acknowledged sample, stores none twice, and resumes the twin exactly', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: db.url!, ADMIN_TOKEN, CHECKPOINT_EVERY_SAMPLES: '250' };
    api = await startApiProcess(env, port);
    expect(
      (await apiCall(api.url, 'POST', '/cells', sampleCell('crash-1', { initialSoc: 0.3 }))).status,
    ).toBe(201);

    const rig = new RigConnection(api.url, ADMIN_TOKEN);
    const acked = new Set<number>();
    rig.onAck = (_c, _ack, batch) => batch.forEach((s) => acked.add(s.seq));
    const t0 = Date.UTC(2026, 10, 2);
    const total = 6000;
    const all: WireSample[] = Array.from({ length: total }, (_, seq) => ({
      seq,
      ts: t0 + seq * 1000,
      voltageV: 3.5 + 0.4 * Math.sin(seq / 300),
      currentA: Math.sin(seq / 300) > 0 ? 0.0025 : -0.0025,
      temperatureC: 25 + (seq % 7) / 10,
    }));
    let sent = 0;
    const sendSome = (n: number) => {
      for (let k = 0; k < n && sent < total; k += 50) {
        rig.send('crash-1', all.slice(sent, Math.min(total, sent + 50)));
        sent = Math.min(total, sent + 50);
      }
    };
    sendSome(2500);
    await eventually(
      async () => acked.size,
      (n) => n >= 1500,
      20_000,
    );
    sendSome(1000);
    api.child.kill('SIGKILL');
    expect(await api.stopped).toBeNull();
    const ackedBeforeCrash = new Set(acked);

    api = await startApiProcess(env, port);
    sendSome(total);
    expect(await rig.drain(60_000)).toBe(true);
    rig.close();

    const seqs = await storedSeqs(api.url, 'crash-1');
    expect(seqs.length).toBe(total);
    expect(new Set(seqs).size).toBe(total);
    for (const seq of ackedBeforeCrash) expect(seqs.includes(seq)).toBe(true);

    // The same samples, ingested in one uninterrupted run into a twin of the same cell.
    await apiCall(api.url, 'POST', '/cells', sampleCell('crash-ref', { initialSoc: 0.3 }));
    for (let i = 0; i < total; i += 5000) {
      await apiCall(api.url, 'POST', '/cells/crash-ref/samples', { samples: all.slice(i, i + 5000) });
    }
    const stateOf = async (id: string) => (await apiCall(api!.url, 'GET', `/cells/${id}`)).body.state;
    const ref = await eventually(
      () => stateOf('crash-ref'),
      (s) => s?.seq === total - 1,
      20_000,
    );
    const resumed = await eventually(
      () => stateOf('crash-1'),
      (s) => s?.seq === total - 1,
      20_000,
    );
    expect({ ...resumed, cellId: '' }).toEqual({ ...ref, cellId: '' });
    const cycles = async (id: string) => (await apiCall(api!.url, 'GET', `/cells/${id}/cycles`)).body.cycles;
    expect(await cycles('crash-1')).toEqual(await cycles('crash-ref'));
  });
});
