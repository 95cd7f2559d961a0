import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_CELL, SimulatedCell } from '../../apps/rig-sim/src/simulated-cell';
import { connected, eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

/** Simulated NCM811 | Li6PS5Cl cycling pushed through the live path; returns (soc, regime) per twin state. */
async function cycleCell(cellId: string, stackPressureMPa: number, cycles: number) {
  await t.request(
    'POST',
    '/cells',
    sampleCell(cellId, { stackPressureMPa, nominalCapacityAh: DEFAULT_CELL.capacityAh }),
  );
  const sim = new SimulatedCell({ ...DEFAULT_CELL, cRate: 1, noiseV: 0 }, Date.UTC(2026, 10, 5));
  const states: { soc: number; regime: string; cycle: number; contact: number }[] = [];
  const live = t.socket('/live', 'test-admin-token-0123456789');
  await connected(live);
  await live.emitWithAck('subscribe', { cellId });
  let seq = 0;
  while (sim.cycleIndex <= cycles) {
    const batch = [];
    for (let k = 0; k < 200; k++) {
      const s = sim.advance(20_000);
      batch.push({
        seq: seq++,
        ts: s.tsMs,
        voltageV: s.voltageV,
        currentA: s.currentA,
        temperatureC: 25,
        cycle: s.cycle,
      });
    }
    await t.request('POST', `/cells/${cellId}/samples`, { samples: batch });
    const state = await eventually(
      async () => (await t.request('GET', `/cells/${cellId}`)).body.state,
      (st) => st?.seq === seq - 1,
    );
    states.push({
      soc: state.soc,
      regime: state.regime,
      cycle: state.cycle,
      contact: state.interface.contactFraction,
    });
  }
  live.close();
  return states;
}

describe('interface model in the live twin', () => {
  it('carries the interface outputs, regime and model provenance on every twin state', async () => {
    await t.request('POST', '/cells', sampleCell('iface-1'));
    const live = t.socket('/live', 'test-admin-token-0123456789');
    await connected(live);
    await live.emitWithAck('subscribe', { cellId: 'iface-1' });
    const got: any[] = [];
    live.on('twin', (s) => got.push(s));
    await t.request('POST', '/cells/iface-1/samples', {
      samples: [{ seq: 0, ts: Date.UTC(2026, 10, 5), voltageV: 3.2, currentA: 0.001, temperatureC: 25 }],
    });
    const s = await eventually(
      async () => got.at(-1),
      (x) => x !== undefined,
    );
    expect(Object.keys(s.interface)).toEqual(
      expect.arrayContaining([
        'activationEnergyEv',
        'arealChargeUCPerCm2',
        'capacitanceUFPerCm2',
        'contactFraction',
        'debyeLengthNm',
        'peakFieldVPerM',
        'potentialDropV',
        'predictedInterfaceResistanceOhmCm2',
        'sclResistanceOhmCm2',
        'surfaceConcentrationRatio',
        'thicknessNm',
        'volumeStrain',
      ]),
    );
    expect(['electrostatic', 'mechanical', 'mixed', 'equilibrated']).toContain(s.regime);
    expect(s.model).toEqual({
      version: expect.any(String),
      parameterHash: expect.stringMatching(/^[0-9a-f]{8,}$/),
    });
    const again = (
      await t.request('POST', '/model/interface', {
        cathode: 'NCM811',
        electrolyte: 'Li6PS5Cl',
        soc: 0,
        temperatureK: 298.15,
        stackPressureMPa: 10,
      })
    ).body;
    expect(again.model.parameterHash).toBe(s.model.parameterHash);
  });

  it('moves NCM811 | Li6PS5Cl from electrostatic at low–moderate SOC to mechanical at high SOC under low pressure, not under high', async () => {
    const low = await cycleCell('press-3', 3, 4);
    const high = await cycleCell('press-60', 60, 4);
    const lowHighSoc = low.filter((s) => s.soc > 0.85).map((s) => s.regime);
    const lowMidSoc = low.filter((s) => s.soc > 0.1 && s.soc < 0.5 && s.cycle <= 2).map((s) => s.regime);
    expect(lowHighSoc.length).toBeGreaterThan(0);
    expect(lowHighSoc.every((r) => r === 'mechanical')).toBe(true);
    expect(lowMidSoc.length).toBeGreaterThan(0);
    expect(lowMidSoc.every((r) => r === 'electrostatic')).toBe(true);
    expect(
      high.every((s) => s.regime === 'electrostatic' || s.regime === 'mixed' || s.regime === 'equilibrated'),
    ).toBe(true);
    expect(high.some((s) => s.regime === 'electrostatic')).toBe(true);
    expect(Math.min(...high.map((s) => s.contact))).toBeGreaterThan(Math.min(...low.map((s) => s.contact)));
  }, 120_000);
});

describe('POST /api/v1/model/interface (what-if)', () => {
  it('lowers the potential step and SCL resistance with a LiNbO3 coating', async () => {
    const base = {
      cathode: 'NCM811',
      electrolyte: 'Li6PS5Cl',
      soc: 0.8,
      temperatureK: 298.15,
      stackPressureMPa: 20,
    };
    const bare = await t.request('POST', '/model/interface', base);
    const coated = await t.request('POST', '/model/interface', {
      ...base,
      coating: { material: 'LiNbO3', thicknessNm: 10 },
    });
    expect(bare.status).toBe(200);
    expect(coated.body.interface.potentialDropV).toBeLessThan(bare.body.interface.potentialDropV);
    expect(coated.body.interface.sclResistanceOhmCm2).toBeLessThan(bare.body.interface.sclResistanceOhmCm2);
    expect(bare.body.profile.length).toBeGreaterThanOrEqual(50);
    expect(bare.body.profile[0]).toEqual({
      xNm: expect.any(Number),
      potentialV: expect.any(Number),
      concentrationRatio: expect.any(Number),
    });
  });

  it('evaluates explicit physics with the contract definitions (D2: λD = 1.192 nm; MS depletion width)', async () => {
    const gc = await t.request('POST', '/model/interface', {
      physics: { model: 'gouy-chapman', epsR: 10, carrierDensityCm3: 1e19, potentialDropV: 1e-5 },
    });
    expect(gc.status).toBe(200);
    expect(gc.body.interface.debyeLengthNm).toBeCloseTo(1.192, 3);
    const accumulation = await t.request('POST', '/model/interface', {
      physics: {
        model: 'gouy-chapman',
        epsR: 10,
        carrierDensityCm3: 1e19,
        potentialDropV: -0.2,
        bulkConductivitySPerCm: 1e-3,
      },
    });
    expect(accumulation.body.interface.depletionWidthNm).toBeNull();
    expect(accumulation.body.interface.sclResistanceOhmCm2).toBeLessThan(0);
    // linear limit: C = ε/λD → 8.8541878128e-12·10/1.192e-9 F/m² = 7.428 µF/cm²
    expect(gc.body.interface.capacitanceUFPerCm2).toBeCloseTo(
      ((8.8541878128e-12 * 10) / 1.19197e-9) * 100,
      2,
    );
    const ms = await t.request('POST', '/model/interface', {
      physics: {
        model: 'mott-schottky',
        epsR: 10,
        carrierDensityCm3: 1e19,
        potentialDropV: 0.3,
        bulkConductivitySPerCm: 1e-4,
      },
    });
    // w = sqrt(2εΔφ/(eN)), no kT correction
    const w = Math.sqrt((2 * 8.8541878128e-12 * 10 * 0.3) / (1.602176634e-19 * 1e25)) * 1e9;
    expect(ms.body.interface.depletionWidthNm).toBeCloseTo(w, 6);
    expect(ms.body.interface.sclResistanceOhmCm2).toBeGreaterThan(0);
  });

  it('names the field of bad input (400) and lists materials', async () => {
    const bad = await t.request('POST', '/model/interface', {
      physics: { model: 'gouy-chapman', epsR: -1, carrierDensityCm3: 1e19, potentialDropV: 0.1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toContain('epsR');
    const site = await t.request('POST', '/model/interface', {
      physics: {
        model: 'lattice-gas',
        epsR: 10,
        carrierDensityCm3: 1e21,
        siteDensityCm3: 1e20,
        potentialDropV: 0.1,
      },
    });
    expect(site.status).toBe(400);
    expect(site.body.error.details[0].field).toContain('siteDensityCm3');
    const unknown = await t.request('POST', '/model/interface', {
      cathode: 'Unobtainium',
      electrolyte: 'Li6PS5Cl',
      soc: 0.5,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('cathode');
    const cell = await t.request('POST', '/cells', sampleCell('bad-mat', { electrolyte: 'Kryptonite' }));
    expect(cell.status).toBe(400);
    expect(cell.body.error.details[0].field).toBe('electrolyte');
    const materials = await t.request('GET', '/materials');
    expect(materials.body.materials.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining([
        'LiCoO2',
        'NCM811',
        'NCM90',
        'LiNbO3',
        'BaTiO3',
        'Li6PS5Cl',
        'Li3PS4',
        'LGPS',
        'Li3YCl6',
        'LLZO',
        'LATP',
        'LAGP',
        'LiPON',
      ]),
    );
  });
});
