import { logSpacedFrequenciesHz, SOLID_STATE_CIRCUIT, synthesizeSpectrum } from '@twin/eis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';
import { SOLID_STATE_TRUTH } from '../support/solid-state-spectrum';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let t: TestApp;
const f = logSpacedFrequenciesHz(1e6, 1e-2, 81);
const truth = SOLID_STATE_TRUTH;

function spectrumOf(params: Record<string, number>, noise = 0, seed = 1) {
  const s = synthesizeSpectrum(SOLID_STATE_CIRCUIT, params, f, noise, seed);
  return { frequenciesHz: [...f], zRealOhm: [...s.zRealOhm], zImagOhm: [...s.zImagOhm] };
}

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe('EIS tools', () => {
  it('fits a solid-state spectrum without an initial guess', async () => {
    const res = await t.request('POST', '/eis/fit', { circuit: SOLID_STATE_CIRCUIT, ...spectrumOf(truth) });
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      res.body.parameters.map((p: { name: string; value: number }) => [p.name, p.value]),
    );
    for (const [name, value] of Object.entries(truth))
      expect(Math.abs(byName[name] / value - 1)).toBeLessThan(1e-4);
    expect(res.body).toMatchObject({
      rmsRelErrorPct: expect.any(Number),
      chiSquare: expect.any(Number),
      iterations: expect.any(Number),
      elapsedMs: expect.any(Number),
    });
    expect(res.body.parameters[0]).toEqual({
      name: 'R0',
      value: expect.any(Number),
      stdErr: expect.any(Number),
    });
  });

  it('validates with Lin-KK and computes a DRT with peaks near the generating time constants', async () => {
    const v = await t.request('POST', '/eis/validate', spectrumOf(truth, 0.002));
    expect(v.body).toMatchObject({ valid: true, rcElements: expect.any(Number), mu: expect.any(Number) });
    expect(v.body.residualRealPct).toHaveLength(81);
    const two = synthesizeSpectrum(
      'R0-p(R1,C1)-p(R2,C2)',
      { R0: 10, R1: 50, C1: 2e-6, R2: 80, C2: 1.25e-3 },
      f,
      0,
      1,
    );
    const drt = await t.request('POST', '/eis/drt', {
      frequenciesHz: [...f],
      zRealOhm: [...two.zRealOhm],
      zImagOhm: [...two.zImagOhm],
    });
    expect(drt.status).toBe(200);
    const { tauS, gammaOhm } = drt.body as { tauS: number[]; gammaOhm: number[] };
    const peaks = tauS.filter(
      (_, i) =>
        i > 0 &&
        i < tauS.length - 1 &&
        gammaOhm[i] > gammaOhm[i - 1] &&
        gammaOhm[i] >= gammaOhm[i + 1] &&
        gammaOhm[i] > 0.05 * Math.max(...gammaOhm),
    );
    expect(peaks).toHaveLength(2);
    expect(Math.abs(Math.log10(peaks[0] / 1e-4))).toBeLessThan(0.2);
    expect(Math.abs(Math.log10(peaks[1] / 0.1))).toBeLessThan(0.2);
  });

  it('answers 400 naming the problem', async () => {
    const ok = spectrumOf(truth);
    const cases: [unknown, string][] = [
      [{ circuit: SOLID_STATE_CIRCUIT, ...ok, zImagOhm: ok.zImagOhm.slice(1) }, 'zImagOhm'],
      [{ circuit: 'R0-p(R1,X1)', ...ok }, 'circuit'],
      [{ circuit: 'R0-p(R1,C1', ...ok }, 'circuit'],
      [
        {
          circuit: SOLID_STATE_CIRCUIT,
          frequenciesHz: f.slice(0, 4),
          zRealOhm: ok.zRealOhm.slice(0, 4),
          zImagOhm: ok.zImagOhm.slice(0, 4),
        },
        '',
      ],
      [{ circuit: SOLID_STATE_CIRCUIT, ...ok, zRealOhm: [null, ...ok.zRealOhm.slice(1)] }, 'zRealOhm'],
    ];
    for (const [body, field] of cases) {
      const res = await t.request('POST', '/eis/fit', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].field).toContain(field);
    }
  });
});

describe('live spectra', () => {
  it('moves a spectrum from a rig to a subscribed browser with its fit, and calibrates the twin', async () => {
    await t.request('POST', '/cells', sampleCell('eis-1', { electrodeAreaCm2: 0.5 }));
    const t0 = Date.UTC(2026, 10, 6);
    await t.request('POST', '/cells/eis-1/samples', {
      samples: Array.from({ length: 50 }, (_, i) => ({
        seq: i,
        ts: t0 + i * 1000,
        voltageV: 3.4,
        currentA: 0.001,
        temperatureC: 25,
      })),
    });
    const live = t.socket('/live', ADMIN_TOKEN);
    await connected(live);
    await live.emitWithAck('subscribe', { cellId: 'eis-1' });
    const spectra: any[] = [];
    const twins: any[] = [];
    live.on('spectrum', (s) => spectra.push(s));
    live.on('twin', (s) => twins.push(s));
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const s = spectrumOf(truth, 0.001, 7);
    const points = f.map((fHz, i) => ({ fHz, zRealOhm: s.zRealOhm[i], zImagOhm: s.zImagOhm[i] }));
    const ack = await rig.emitWithAck('spectrum', { cellId: 'eis-1', ts: t0 + 60_000, points });
    expect(ack).toMatchObject({ id: expect.any(Number), cellId: 'eis-1', status: 'pending' });
    const got = await eventually(
      async () => spectra.at(-1),
      (x) => x?.status === 'fitted',
      20_000,
    );
    expect(got.valid).toBe(true);
    const r2 = got.fit.parameters.find((p: { name: string }) => p.name === 'R2');
    expect(Math.abs(r2.value / 120 - 1)).toBeLessThan(4 * (r2.stdErr / 120) + 1e-3);
    // R2 in Ω × 0.5 cm² is the measured interface resistance the twin compares with its prediction
    expect(got.interfaceArc.areaResistanceOhmCm2).toBeCloseTo(r2.value * 0.5, 9);
    const twin = await eventually(
      async () => twins.at(-1),
      (x) => x?.measuredInterfaceResistanceOhmCm2 != null,
    );
    expect(twin.measuredInterfaceResistanceOhmCm2).toBeCloseTo(r2.value * 0.5, 9);
    expect(twin.residualOhmCm2).toEqual(expect.any(Number));

    // warm start from the previous fit, and the trajectory endpoint
    const s2 = spectrumOf({ ...truth, R2: 150 }, 0.001, 8);
    await t.request('POST', '/cells/eis-1/spectra', {
      ts: t0 + 120_000,
      points: f.map((fHz, i) => ({ fHz, zRealOhm: s2.zRealOhm[i], zImagOhm: s2.zImagOhm[i] })),
    });
    const fits = await eventually(
      async () => (await t.request('GET', '/cells/eis-1/fits?param=R2')).body.points,
      (p) => p.length === 2,
      20_000,
    );
    expect(fits[1].value / fits[0].value).toBeCloseTo(150 / 120, 2);
    expect(fits[0]).toMatchObject({
      ts: new Date(t0 + 60_000).toISOString(),
      cycle: expect.any(Number),
      soc: expect.any(Number),
      stdErr: expect.any(Number),
    });
    const list = await t.request('GET', '/cells/eis-1/spectra');
    expect(list.body.spectra).toHaveLength(2);
  });

  it('stores and flags a spectrum that fails Lin-KK instead of fitting it', async () => {
    await t.request('POST', '/cells', sampleCell('eis-bad'));
    // non-causal: real part of one RC, imaginary part of another
    const a = synthesizeSpectrum('R0-p(R1,C1)', { R0: 10, R1: 100, C1: 1e-5 }, f, 0, 1);
    const b = synthesizeSpectrum('R0-p(R1,C1)', { R0: 10, R1: 100, C1: 1e-3 }, f, 0, 1);
    const res = await t.request('POST', '/cells/eis-bad/spectra', {
      ts: Date.UTC(2026, 10, 6),
      points: f.map((fHz, i) => ({ fHz, zRealOhm: a.zRealOhm[i], zImagOhm: b.zImagOhm[i] })),
    });
    expect(res.status).toBe(201);
    const stored = await eventually(
      async () => (await t.request('GET', '/cells/eis-bad/spectra')).body.spectra[0],
      (s) => s.status !== 'pending',
      20_000,
    );
    expect(stored.status).toBe('invalid');
    expect(stored.valid).toBe(false);
    expect(stored.fit).toBeNull();
    expect(stored.linKK.residualRmsPct).toBeGreaterThan(1);
  });

  it('rejects bad spectra with the field named', async () => {
    await t.request('POST', '/cells', sampleCell('eis-val'));
    const res = await t.request('POST', '/cells/eis-val/spectra', {
      ts: Date.UTC(2026, 10, 6),
      points: [{ fHz: -1, zRealOhm: 1, zImagOhm: 0 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['points.0.fHz']),
    );
  });
});
