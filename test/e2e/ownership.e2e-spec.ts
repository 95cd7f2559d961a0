import { isDeepStrictEqual } from 'node:util';
import { logSpacedFrequenciesHz } from '@twin/eis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CellLeaseRepository } from '../../apps/api/src/ownership/cell-lease.repository';
import { CellOwnershipService } from '../../apps/api/src/ownership/cell-ownership.service';
import { SOLID_STATE_TRUTH, solidStatePoints } from '../support/solid-state-spectrum';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * Two instances on one database (issue #10): each cell's twin is advanced by the instance holding
 * its lease; samples for it that reach the other instance are written there and stepped by the
 * owner, once; a cell whose owner shuts down moves to the other instance, which resumes it.
 */
const adminUrl = inject('pgAdminUrl');
const SETTINGS = { LEASE_TTL_MS: '1500', OWNERSHIP_POLL_MS: '50', CHECKPOINT_EVERY_SAMPLES: '400' };
const T0 = Date.UTC(2026, 3, 1);
let db: TestDatabase;
let a: TestApp;
let b: TestApp;
let sql: pg.Client;

const sample = (seq: number) => ({
  seq,
  ts: T0 + seq * 1000,
  voltageV: 3.5 + ((seq % 600) / 600) * 0.6,
  currentA: seq % 600 < 300 ? 0.0025 : -0.0025,
  temperatureC: 25 + (seq % 11) / 10,
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => sample(from + k));

async function post(app: TestApp, cellId: string, samples: ReturnType<typeof sample>[]) {
  const res = await app.request('POST', `/cells/${cellId}/samples`, { samples });
  expect(res.status).toBe(201);
  return res.body as { accepted: number; duplicates: number };
}

const owner = async (cellId: string) =>
  (await sql.query('SELECT owner FROM cell_leases WHERE cell_id = $1', [cellId])).rows[0]?.owner ?? null;
const stateAt = (app: TestApp, cellId: string, seq: number) =>
  eventually(
    async () => (await app.request('GET', `/cells/${cellId}`)).body.state,
    (s) => s?.seq === seq,
    15_000,
  );
const sameState = (s: Record<string, unknown>) => ({ ...s, cellId: '' });
/**
 * The state of `cellId` as `app` answers it, once it equals `ref`: a late sample can reach the twin
 * after the last seq does, and a non-owner answers from the owner's once-a-second flush.
 */
const stateMatching = async (app: TestApp, cellId: string, ref: Record<string, unknown>) => {
  const got = await eventually(
    async () => (await app.request('GET', `/cells/${cellId}`)).body.state,
    (s) => s !== null && isDeepStrictEqual(sameState(s), sameState(ref)),
    15_000,
  ).catch(async () => (await app.request('GET', `/cells/${cellId}`)).body.state);
  return sameState(got);
};

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
  a = await startTestApp(db.url, { ...SETTINGS, INSTANCE_ID: 'instance-a' });
  b = await startTestApp(db.url, { ...SETTINGS, INSTANCE_ID: 'instance-b' });
  sql = new pg.Client({ connectionString: db.url! });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await a?.close().catch(() => undefined);
  await b?.close();
  await db?.drop();
});

describe.skipIf(!adminUrl)('cell ownership across two instances (real PostgreSQL server)', () => {
  it('steps samples written at the non-owner exactly once on the owner, late ones included', async () => {
    for (const id of ['own-x', 'own-ref'])
      expect((await a.request('POST', '/cells', sampleCell(id))).status).toBe(201);
    await post(a, 'own-x', range(0, 1000));
    expect(await owner('own-x')).toBe('instance-a');

    // The rest arrives at whichever instance a load balancer picks; 1,500 comes late, at B.
    expect((await post(b, 'own-x', range(1000, 1500))).accepted).toBe(500);
    await post(a, 'own-x', range(1501, 2000));
    await post(b, 'own-x', range(2000, 2600));
    expect(await post(b, 'own-x', range(2300, 2700))).toMatchObject({ accepted: 100, duplicates: 300 });
    await post(b, 'own-x', [sample(1500)]);
    expect(await owner('own-x')).toBe('instance-a');

    await post(a, 'own-ref', range(0, 2700));
    const ref = await stateAt(a, 'own-ref', 2699);
    expect(await stateMatching(a, 'own-x', ref)).toEqual(sameState(ref));
    expect((await a.request('GET', '/cells/own-x/cycles')).body).toEqual(
      (await a.request('GET', '/cells/own-ref/cycles')).body,
    );
    expect((await a.allSamples('own-x')).length).toBe(2700);
    // B never advanced its own copy: it answers with the owner's flushed state.
    expect(await stateMatching(b, 'own-x', ref)).toEqual(sameState(ref));
    expect((await sql.query('SELECT count(*)::int AS n FROM twin_pending')).rows[0].n).toBe(0);
  });

  it('makes a take-over wait for a write in flight, and never a renewal', async () => {
    expect((await a.request('POST', '/cells', sampleCell('own-lock'))).status).toBe(201);
    await sql.query(
      "INSERT INTO cell_leases (cell_id, owner, expires_at) VALUES ('own-lock', 'instance-gone', now() - interval '1 second')",
    );
    await sql.query(
      "INSERT INTO cell_leases (cell_id, owner, expires_at) VALUES ('own-ref', 'instance-a', now() + interval '1 minute') ON CONFLICT (cell_id) DO NOTHING",
    );
    // A writer of the old owner: its transaction holds the lease rows as ingest does until it commits.
    const writer = new pg.Client({ connectionString: db.url! });
    await writer.connect();
    await writer.query('BEGIN');
    await writer.query("SELECT 1 FROM cell_leases WHERE cell_id IN ('own-lock', 'own-ref') FOR KEY SHARE");
    const leases = b.app.get(CellLeaseRepository);
    let settled = false;
    const claim = leases.claim('instance-b', ['own-lock'], 60_000).finally(() => (settled = true));
    const renewedAt = performance.now();
    await a.app.get(CellLeaseRepository).renew('instance-a', 15_000);
    expect(performance.now() - renewedAt).toBeLessThan(1_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await writer.query('COMMIT');
    expect(await claim).toEqual(['own-lock']);
    await writer.end();
  });

  it('trusts a lease without asking only while its last confirmation is fresh', async () => {
    expect((await a.request('POST', '/cells', sampleCell('own-sure'))).status).toBe(201);
    // No timers started (no onModuleInit): nothing renews, so the confirmation only ages.
    const probe = new CellOwnershipService(
      { ...a.config, instanceId: 'instance-probe', leaseTtlMs: 1_000 },
      a.app.get(CellLeaseRepository),
    );
    expect(probe.surelyHolds('own-sure')).toBe(false);
    expect(await probe.claimAtStart(['own-sure'])).toEqual(['own-sure']);
    expect(probe.surelyHolds('own-sure')).toBe(true);
    expect(probe.surelyHolds('own-x')).toBe(false);
    expect(a.app.get(CellOwnershipService).surelyHolds('own-sure')).toBe(false);
    // Past 80 % of the TTL the database may soon let another instance take it: ask again.
    await new Promise((r) => setTimeout(r, 850));
    expect(probe.surelyHolds('own-sure')).toBe(false);
    await probe.releaseAll();
  });

  it("fits a spectrum posted to the non-owner on the owner, once, and calibrates the owner's twin", async () => {
    expect((await a.request('POST', '/cells', sampleCell('own-eis', { electrodeAreaCm2: 0.5 }))).status).toBe(
      201,
    );
    await post(a, 'own-eis', range(0, 50));
    expect(await owner('own-eis')).toBe('instance-a');
    const f = logSpacedFrequenciesHz(1e6, 1e-2, 61);
    const posted = await b.request('POST', '/cells/own-eis/spectra', {
      ts: T0 + 60_000,
      points: solidStatePoints(f, SOLID_STATE_TRUTH, 0.001, 3),
    });
    expect(posted.status).toBe(201);
    expect(posted.body.status).toBe('pending');
    const fitted = await eventually(
      async () => (await a.request('GET', '/cells/own-eis/spectra')).body.spectra[0],
      (x) => x?.status === 'fitted',
      20_000,
    );
    expect(fitted.interfaceArc.areaResistanceOhmCm2).toBeCloseTo(
      fitted.fit.parameters.find((p: { name: string }) => p.name === 'R2').value * 0.5,
      9,
    );
    // the owner's twin took the measured interface resistance: its calibration ran there
    const state = await eventually(
      async () => (await a.request('GET', '/cells/own-eis')).body.state,
      (x) => x?.measuredInterfaceResistanceOhmCm2 != null,
    );
    expect(state.measuredInterfaceResistanceOhmCm2).toBeCloseTo(fitted.interfaceArc.areaResistanceOhmCm2, 9);
    expect(state.residualOhmCm2).toEqual(expect.any(Number));
    const { rows } = await sql.query('SELECT claimed_by FROM spectra WHERE cell_id = $1', ['own-eis']);
    expect(rows).toEqual([{ claimed_by: 'instance-a' }]);
  });

  it('hands a cell over when its owner shuts down; the next owner resumes from the checkpoint', async () => {
    await a.close();
    expect(await owner('own-x')).toBeNull();
    await post(b, 'own-x', range(2700, 3300));
    await post(b, 'own-ref', range(2700, 3300));
    // B wrote them as pending work; its next sweep finds a cell with work and no owner and takes it.
    await eventually(
      () => owner('own-x'),
      (o) => o === 'instance-b',
      5_000,
    );
    const ref = await stateAt(b, 'own-ref', 3299);
    expect(await stateMatching(b, 'own-x', ref)).toEqual(sameState(ref));
    expect((await b.request('GET', '/cells/own-x/cycles')).body).toEqual(
      (await b.request('GET', '/cells/own-ref/cycles')).body,
    );
  });
});
