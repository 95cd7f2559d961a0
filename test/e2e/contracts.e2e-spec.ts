import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';

let db: TestDatabase;
let t: TestApp;
const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);

const sample = (seq: number, extra: Record<string, unknown> = {}) => ({
  seq,
  ts: new Date(T0 + seq * 1000).toISOString(),
  voltageV: 3.6,
  currentA: 0.001,
  ...extra,
});

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('health and auth', () => {
  it('serves /health without a token', async () => {
    const res = await t.request('GET', '/health', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'postgresql', version: expect.any(String) });
  });

  it('answers 401 with the error body for a missing or wrong token', async () => {
    const missing = await t.request('GET', '/cells', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ code: 'UNAUTHORIZED', details: [{ field: 'authorization' }] });
    expect((await t.request('GET', '/cells', undefined, 'ot_admin_not-a-real-token')).status).toBe(401);
  });

  it('creates tokens per role and enforces them (403 on the wrong role, rig limited to its cells)', async () => {
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'screen' })).body
      .token as string;
    const rig = (await t.request('POST', '/tokens', { role: 'rig', label: 'rig-1', cellIds: ['auth-a'] }))
      .body.token as string;
    await t.request('POST', '/cells', sampleCell('auth-a'));
    await t.request('POST', '/cells', sampleCell('auth-b'));
    expect((await t.request('POST', '/tokens', { role: 'admin', label: 'x' }, viewer)).status).toBe(403);
    expect((await t.request('POST', '/cells', sampleCell('auth-c'), viewer)).status).toBe(403);
    expect((await t.request('POST', '/cells/auth-a/samples', { samples: [sample(0)] }, viewer)).status).toBe(
      403,
    );
    expect((await t.request('GET', '/cells', undefined, viewer)).status).toBe(200);
    expect((await t.request('GET', '/cells', undefined, rig)).status).toBe(403);
    const own = await t.request('POST', '/cells/auth-a/samples', { samples: [sample(0)] }, rig);
    expect(own.status).toBe(201);
    expect(own.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const other = await t.request('POST', '/cells/auth-b/samples', { samples: [sample(0)] }, rig);
    expect(other.status).toBe(403);
    expect(other.body.error.details[0].field).toBe('cellId');
    const bad = await t.request('POST', '/tokens', { role: 'root', label: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('role');
  });

  it('refuses socket connections without a valid token or with the wrong role', async () => {
    await expect(connected(t.socket('/live', null))).rejects.toThrow('unauthorized');
    await expect(connected(t.socket('/rigs', 'nope-nope-nope'))).rejects.toThrow('unauthorized');
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v' })).body.token as string;
    await expect(connected(t.socket('/rigs', viewer))).rejects.toThrow('forbidden');
    await connected(t.socket('/live', viewer));
  });
});

describe('cells', () => {
  it('creates a cell (201), refuses a duplicate id (409) and names bad fields (400)', async () => {
    const created = await t.request(
      'POST',
      '/cells',
      sampleCell('cell-1', { initialSoc: 0.5, coating: { material: 'LiNbO3', thicknessNm: 5 } }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'cell-1',
      initialSoc: 0.5,
      state: null,
      coating: { thicknessNm: 5 },
    });
    expect((await t.request('POST', '/cells', sampleCell('cell-1'))).status).toBe(409);
    const bad = await t.request('POST', '/cells', { ...sampleCell('bad id!'), nominalCapacityAh: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'id',
      'nominalCapacityAh',
    ]);
    const missing = await t.request('POST', '/cells', { id: 'x' });
    expect(missing.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining([
        'cathode',
        'electrolyte',
        'nominalCapacityAh',
        'electrodeAreaCm2',
        'stackPressureMPa',
      ]),
    );
    expect((await t.request('GET', '/cells/nope')).status).toBe(404);
    const list = await t.request('GET', '/cells');
    expect(list.body.cells.find((c: { id: string }) => c.id === 'cell-1')).toMatchObject({ state: null });
  });

  it('rejects malformed JSON with the error body', async () => {
    const res = await t.request('POST', '/cells', '{"id": ', ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('HTTP ingest', () => {
  beforeAll(async () => {
    await t.request('POST', '/cells', sampleCell('ing-1'));
  });

  it('stores the valid samples, rejects the others one by one, and counts resends as duplicates', async () => {
    const batch = [
      sample(0),
      sample(1, { voltageV: 11 }),
      sample(2, { ts: 'not a time' }),
      { ...sample(3), currentA: undefined },
      sample(4, { temperatureC: 25.5, cycle: 1, step: 2 }),
      sample(5, { seq: -5 }),
      sample(6, { ts: T0 + 6000 }),
    ];
    const first = await t.request('POST', '/cells/ing-1/samples', { samples: batch });
    expect(first.status).toBe(201);
    expect(first.body.accepted).toBe(3);
    expect(first.body.duplicates).toBe(0);
    expect(first.body.rejected).toEqual([
      { index: 1, field: 'voltageV', reason: expect.stringContaining('0–10 V') },
      { index: 2, field: 'ts', reason: expect.any(String) },
      { index: 3, field: 'currentA', reason: 'required' },
      { index: 5, field: 'seq', reason: expect.any(String) },
    ]);
    const again = await t.request('POST', '/cells/ing-1/samples', {
      samples: [sample(0), sample(4), sample(7)],
    });
    expect(again.body).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
    const stored = await t.request('GET', '/cells/ing-1/samples');
    expect(stored.body.samples.map((s: { seq: number }) => s.seq)).toEqual([0, 4, 6, 7]);
    expect(stored.body.samples[1]).toEqual({
      seq: 4,
      ts: new Date(T0 + 4000).toISOString(),
      voltageV: 3.6,
      currentA: 0.001,
      temperatureC: 25.5,
      cycle: 1,
      step: 2,
    });
  });

  it('accepts NDJSON and rejects an unparseable line by index', async () => {
    const body = [JSON.stringify(sample(10)), '{oops', JSON.stringify(sample(11))].join('\n');
    const res = await t.request('POST', '/cells/ing-1/samples', body, ADMIN_TOKEN, 'application/x-ndjson');
    expect(res.body).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [{ index: 1, field: 'sample', reason: 'not valid JSON' }],
    });
  });

  it('answers 404 for an unknown cell and 413 above 10,000 samples', async () => {
    expect((await t.request('POST', '/cells/ghost/samples', { samples: [sample(0)] })).status).toBe(404);
    const big = Array.from({ length: 10_001 }, (_, i) => sample(i));
    const res = await t.request('POST', '/cells/ing-1/samples', { samples: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('pages samples with a cursor, filters by time and serves CSV and series', async () => {
    await t.request('POST', '/cells', sampleCell('page-1'));
    const many = Array.from({ length: 2500 }, (_, i) => sample(i, { voltageV: 3 + (i % 100) / 100 }));
    expect((await t.request('POST', '/cells/page-1/samples', { samples: many })).body.accepted).toBe(2500);
    const seen: number[] = [];
    let next: string | null = null;
    do {
      const res: { body: { samples: { seq: number }[]; next: string | null } } = await t.request(
        'GET',
        `/cells/page-1/samples?limit=1000${next ? `&next=${next}` : ''}`,
      );
      seen.push(...res.body.samples.map((s) => s.seq));
      next = res.body.next;
    } while (next);
    expect(seen).toEqual(many.map((s) => s.seq));
    const window = await t.request(
      'GET',
      `/cells/page-1/samples?from=${new Date(T0 + 100_000).toISOString()}&to=${T0 + 110_000}`,
    );
    expect(window.body.samples.map((s: { seq: number }) => s.seq)).toEqual([
      100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
    ]);
    const csv = await t.request('GET', '/cells/page-1/samples?limit=2&format=csv');
    expect(csv.body).toBe(
      `seq,ts,voltageV,currentA,temperatureC,cycle,step\n0,${new Date(T0).toISOString()},3,0.001,,,\n1,${new Date(T0 + 1000).toISOString()},3.01,0.001,,,\n`,
    );
    const series = await t.request('GET', `/cells/page-1/series?from=${T0}&to=${T0 + 60_000}&bucket=10s`);
    expect(series.body.series).toHaveLength(6);
    expect(series.body.series[0]).toMatchObject({ n: 10, voltageV: { min: 3, max: 3.09 } });
    expect(series.body.series[0].voltageV.avg).toBeCloseTo(3.045, 10);
    expect((await t.request('GET', '/cells/page-1/series?bucket=7x')).status).toBe(400);
  });
});

describe('socket ingest and live twin', () => {
  it('acks socket batches after commit, with per-sample rejections and duplicates', async () => {
    await t.request('POST', '/cells', sampleCell('sock-1'));
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const ack = await rig.emitWithAck('samples', {
      cellId: 'sock-1',
      samples: [sample(0), sample(1, { voltageV: Number.NaN })],
    });
    expect(ack).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ index: 1, field: 'voltageV', reason: expect.any(String) }],
    });
    expect(await rig.emitWithAck('samples', { cellId: 'sock-1', samples: [sample(0)] })).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [],
    });
    const ghost = await rig.emitWithAck('samples', { cellId: 'ghost', samples: [sample(0), sample(1)] });
    expect(ghost.rejected).toEqual([
      { index: 0, field: 'cellId', reason: 'unknown cell' },
      { index: 1, field: 'cellId', reason: 'unknown cell' },
    ]);
    const stored = await t.request('GET', '/cells/sock-1/samples');
    expect(stored.body.samples).toHaveLength(1);
  });

  it('pushes throttled twin states to subscribers, always ending on the newest', async () => {
    await t.request('POST', '/cells', sampleCell('live-1', { initialSoc: 0.25 }));
    const viewer = t.socket('/live', ADMIN_TOKEN);
    await connected(viewer);
    const sub = await viewer.emitWithAck('subscribe', { cellId: 'live-1' });
    expect(sub).toEqual({ ok: true, state: null });
    expect(await viewer.emitWithAck('subscribe', { cellId: 'nope' })).toMatchObject({ ok: false });
    const states: { seq: number; soc: number; ts: number }[] = [];
    viewer.on('twin', (s) => states.push({ ...s, at: Date.now() }));
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const started = Date.now();
    for (let k = 0; k < 40; k++) {
      await rig.emitWithAck('samples', {
        cellId: 'live-1',
        samples: [sample(k * 5), sample(k * 5 + 1), sample(k * 5 + 2), sample(k * 5 + 3), sample(k * 5 + 4)],
      });
    }
    await eventually(
      async () => states.at(-1)?.seq,
      (seq) => seq === 199,
    );
    const elapsedS = (Date.now() - started) / 1000;
    // ≤ 10 per second on average, plus the burst of 3 the rate limiter lets through at once
    expect(states.length).toBeLessThanOrEqual(Math.ceil(elapsedS * 10) + 3);
    const last = states.at(-1)!;
    // 199 s at 1 mA on 5 mAh from 0.25: ΔSOC = 0.001 × 199 / 3600 / 0.005
    expect(last.soc).toBeCloseTo(0.25 + (0.001 * 199) / 3600 / 0.005, 9);
    const cell = await t.request('GET', '/cells/live-1');
    expect(cell.body.state).toMatchObject({ seq: 199, cellId: 'live-1' });
    const resub = await viewer.emitWithAck('subscribe', { cellId: 'live-1' });
    expect(resub.state.seq).toBe(199);
  });
});

describe('twin', () => {
  it('SOC follows coulomb counting to 1e-6 on a known current profile', async () => {
    await t.request('POST', '/cells', sampleCell('soc-1', { initialSoc: 0.1, nominalCapacityAh: 0.004 }));
    // 30 min at +2 mA, 10 min rest, 15 min at −3 mA, sampled every 10 s; steps land on samples
    const profile: { seq: number; ts: number; voltageV: number; currentA: number }[] = [];
    let seq = 0;
    const push = (tSec: number, currentA: number) =>
      profile.push({ seq: seq++, ts: T0 + tSec * 1000, voltageV: 3.7, currentA });
    for (let s = 0; s <= 1800; s += 10) push(s, 0.002);
    for (let s = 1801; s <= 2400; s += 10) push(s, 0);
    for (let s = 2401; s <= 3300; s += 10) push(s, -0.003);
    await t.request('POST', '/cells/soc-1/samples', { samples: profile });
    // the trapezoid integral of the profile, summed here independently of the service
    let ampSeconds = 0;
    for (let k = 1; k < profile.length; k++) {
      ampSeconds +=
        ((profile[k - 1].currentA + profile[k].currentA) / 2) * ((profile[k].ts - profile[k - 1].ts) / 1000);
    }
    const expected = 0.1 + ampSeconds / 3600 / 0.004;
    // independent sanity of the sum: 2 mA × 1800 s, the 1 s step down (mean 1 mA), the 10 s step
    // from rest at 2391 s to −3 mA at 2401 s (mean −1.5 mA), then −3 mA for 890 s
    expect(ampSeconds).toBeCloseTo(0.002 * 1800 + 0.001 * 1 - 0.0015 * 10 - 0.003 * 890, 12);
    const state = await eventually(
      async () => (await t.request('GET', '/cells/soc-1')).body.state,
      (s) => s?.seq === profile.length - 1,
    );
    expect(Math.abs(state.soc - expected)).toBeLessThan(1e-6);
  });

  it('recomputes from the last checkpoint when a late sample arrives, matching in-order ingest', async () => {
    await t.request('POST', '/cells', sampleCell('late-a'));
    await t.request('POST', '/cells', sampleCell('late-b'));
    const all = Array.from({ length: 3000 }, (_, i) =>
      sample(i, { currentA: i % 700 < 350 ? 0.002 : -0.002, voltageV: 3.5 + (i % 700) / 1000 }),
    );
    await t.request('POST', '/cells/late-a/samples', { samples: all });
    const withoutLate = all.filter((s) => s.seq !== 1400);
    await t.request('POST', '/cells/late-b/samples', { samples: withoutLate });
    await eventually(
      async () => (await t.request('GET', '/cells/late-b')).body.state?.seq,
      (s) => s === 2999,
    );
    const before = (await t.request('GET', '/cells/late-b')).body.state;
    await t.request('POST', '/cells/late-b/samples', { samples: [all[1400]] });
    const a = await eventually(
      async () => (await t.request('GET', '/cells/late-a')).body.state,
      (s) => s?.seq === 2999,
    );
    const b = await eventually(
      async () => (await t.request('GET', '/cells/late-b')).body.state,
      (s) => s?.soc !== before.soc,
    );
    expect({ ...b, cellId: 'x' }).toEqual({ ...a, cellId: 'x' });
    const cyclesA = (await t.request('GET', '/cells/late-a/cycles')).body.cycles;
    const cyclesB = (await t.request('GET', '/cells/late-b/cycles')).body.cycles;
    expect(cyclesB).toEqual(cyclesA);
    expect(cyclesA.length).toBeGreaterThanOrEqual(4);
    // 350 s at +2 mA; the 1 s flip to −2 mA averages to zero, so 349 s count
    expect(cyclesA[0].chargeAh).toBeCloseTo((0.002 * 349) / 3600, 9);
  });
});
