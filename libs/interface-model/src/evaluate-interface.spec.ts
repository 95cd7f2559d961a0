import { describe, expect, it } from 'vitest';
import { VACUUM_PERMITTIVITY_F_PER_M } from './constants';
import { InterfaceModelInputError } from './errors';
import { evaluateInterface, type InterfaceQuery } from './evaluate-interface';
import { createInterfaceTwin } from './interface-twin';
import { getMaterial } from './materials/material-registry';
import type { InterfaceModelParams } from './parameters';
import type { Regime } from './regime';
import { debyeLengthM } from './scl/debye-length';

const cell = { cathode: 'NCM811', electrolyte: 'Li6PS5Cl' } as const;

/** Simulated NCM811 | Li6PS5Cl cell: full SOC sweeps (charge then discharge) for `cycles` cycles at one pressure. */
function sweep(stackPressureMPa: number, cycles: number, params: Partial<InterfaceModelParams> = {}) {
  const twin = createInterfaceTwin(cell, params);
  let state = twin.initialState();
  const rows: { cycle: number; soc: number; regime: Regime }[] = [];
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let k = 0; k <= 200; k++) {
      const soc = k <= 100 ? k / 100 : (200 - k) / 100;
      const r = twin.step(state, { soc, temperatureC: 25, stackPressureMPa, cycle });
      state = r.state;
      rows.push({ cycle, soc, regime: r.output.regime.regime });
    }
  }
  return rows;
}

describe('regime classifier on a simulated NCM811 | Li6PS5Cl cell (physics.md §5)', () => {
  const low = sweep(3, 15);
  const high = sweep(60, 15);

  it('low pressure (3 MPa): electrostatic at low–moderate SOC in the first cycles', () => {
    const early = low.filter((r) => r.cycle <= 2 && r.soc >= 0.1 && r.soc <= 0.5);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((r) => r.regime === 'electrostatic')).toBe(true);
  });

  it('low pressure (3 MPa): mechanical at high SOC in every cycle, and more of the window turns mechanical as damage builds', () => {
    const highSoc = low.filter((r) => r.soc >= 0.9);
    expect(highSoc.every((r) => r.regime === 'mechanical')).toBe(true);
    const mechShare = (c: number) =>
      low.filter((r) => r.cycle === c && r.regime === 'mechanical').length /
      low.filter((r) => r.cycle === c).length;
    expect(mechShare(14)).toBeGreaterThan(mechShare(0));
  });

  it('high pressure (60 MPa): electrostatic at every SOC up to 0.5 and never mechanical', () => {
    expect(high.filter((r) => r.soc <= 0.5).every((r) => r.regime === 'electrostatic')).toBe(true);
    expect(high.every((r) => r.regime === 'electrostatic' || r.regime === 'mixed')).toBe(true);
  });

  it('equilibrated where U(SOC) ≈ U_eq under good contact', () => {
    const uAt03 = 3.78; // NCM811 OCV table at SOC 0.3
    const r = evaluateInterface({ ...cell, soc: 0.3, stackPressureMPa: 60 }, { uEqV: uAt03 });
    expect(Math.abs(r.interface.potentialDropV)).toBeLessThan(1e-12);
    expect(r.regime.regime).toBe('equilibrated');
  });

  it('index fallback agrees on the corners: mechanical at high SOC/3 MPa, electrostatic at low SOC/60 MPa', () => {
    const lowIdx = sweep(3, 3, { regimeRule: 'index' });
    const highIdx = sweep(60, 3, { regimeRule: 'index' });
    expect(lowIdx.filter((r) => r.soc >= 0.9).every((r) => r.regime === 'mechanical')).toBe(true);
    expect(highIdx.filter((r) => r.soc <= 0.5).every((r) => r.regime === 'electrostatic')).toBe(true);
    const r = evaluateInterface({ ...cell, soc: 0.95, stackPressureMPa: 3 }, { regimeRule: 'index' });
    expect(r.regime.rule).toBe('index');
    expect(r.regime.deciding.electrostaticIndex).toBeCloseTo(Math.abs(r.regime.deciding.psi0) / 4, 12);
  });
});

describe('chain SOC → U → Δφ → SCL (physics.md §1.2, §1.12)', () => {
  it('Δφ = f_SE(U(SOC) − U_eq) with the SE’s tabulated U_eq when present', () => {
    const r = evaluateInterface({ cathode: 'NCM811', electrolyte: 'LLZO', soc: 0.5 });
    expect(r.potentialStep?.uEqV).toBe(1.62);
    expect(r.interface.potentialDropV).toBeCloseTo(0.1 * (3.88 - 1.62), 12);
    const s = evaluateInterface({ ...cell, soc: 0.5 }, { fSe: 0.05, uEqV: 2 });
    expect(s.interface.potentialDropV).toBeCloseTo(0.05 * (3.88 - 2), 12);
    expect(s.profile.length).toBe(64);
    expect(s.modelUsed).toBe('lattice-gas');
  });

  it('temperature raises R_SCL with E_a,SCL > E_a,bulk (Arrhenius, §1.8)', () => {
    const warm = evaluateInterface({ ...cell, soc: 0.5, temperatureK: 333.15 });
    const cold = evaluateInterface({ ...cell, soc: 0.5, temperatureK: 273.15 });
    expect(cold.interface.sclResistanceOhmCm2!).toBeGreaterThan(warm.interface.sclResistanceOhmCm2!);
    expect(warm.interface.activationEnergyEv!).toBeGreaterThan(
      getMaterial('Li6PS5Cl').activationEnergyEv!.value,
    );
  });
});

describe('LiNbO3 coating (physics.md §6)', () => {
  it('lowers the SE-side potential step and R_SCL vs uncoated; f_SE′ equals the series-capacitor split', () => {
    const bare = evaluateInterface({ ...cell, soc: 0.9 });
    const coated = evaluateInterface({ ...cell, soc: 0.9, coating: { material: 'LiNbO3', thicknessNm: 10 } });
    expect(coated.interface.potentialDropV).toBeLessThan(bare.interface.potentialDropV);
    expect(coated.interface.sclResistanceOhmCm2!).toBeLessThan(bare.interface.sclResistanceOhmCm2!);
    // Independent route: build C_SE, C_cath (from the uncoated share) and C_coat, then divide 1/C_SE by the sum.
    const se = getMaterial('Li6PS5Cl');
    const n0 = se.carrierDensityCm3!.value;
    const theta0 = n0 / se.siteDensityCm3!.value;
    const cSe =
      (VACUUM_PERMITTIVITY_F_PER_M * se.epsR.value) /
      (debyeLengthM(se.epsR.value, n0 * 1e6, 298.15) / Math.sqrt(1 - theta0));
    const cCath = (cSe * 0.1) / (1 - 0.1);
    const cCoat = (VACUUM_PERMITTIVITY_F_PER_M * 29) / 10e-9;
    const share = 1 / cSe / (1 / cSe + 1 / cCoat + 1 / cCath);
    expect(coated.potentialStep!.seShare).toBeCloseTo(share, 12);
    // R_coat = t_c/σ_c = 10 nm / 1e-6 S/cm = 1.0 Ω·cm² (§6 [D]).
    expect(coated.electrostatics!.coatingResistanceOhmCm2).toBeCloseTo(1.0, 12);
  });
});

describe('explicit physics input', () => {
  it('D1 through evaluateInterface, with profile and no mechanics', () => {
    const r = evaluateInterface({
      model: 'gouy-chapman',
      epsR: 30,
      carrierDensityCm3: 1e21,
      potentialDropV: 0.2,
      bulkConductivitySPerCm: 1e-3,
      bulkActivationEnergyEv: 0.35,
    });
    expect(Math.abs(r.interface.debyeLengthNm / 0.2064 - 1)).toBeLessThan(0.005);
    expect(r.mechanics).toBeNull();
    expect(r.interface.contactFraction).toBeNull();
    expect(r.interface.activationEnergyEv).toBeGreaterThan(0.35);
    expect(r.profile.length).toBe(64);
    expect(r.regime.rule).toBe('index');
  });
});

describe('input validation: InterfaceModelInputError carries field and reason', () => {
  const cases: [InterfaceQuery, Partial<InterfaceModelParams>, string][] = [
    [{ ...cell, soc: 1.2 }, {}, 'soc'],
    [{ ...cell, soc: -0.01 }, {}, 'soc'],
    [{ cathode: 'NCM999', electrolyte: 'Li6PS5Cl', soc: 0.5 }, {}, 'cathode'],
    [{ cathode: 'Li6PS5Cl', electrolyte: 'NCM811', soc: 0.5 }, {}, 'cathode'],
    [{ ...cell, soc: 0.5, coating: { material: 'LiNbO3', thicknessNm: 0 } }, {}, 'coating.thicknessNm'],
    [{ ...cell, soc: 0.5, temperatureK: -4 }, {}, 'temperatureK'],
    [{ ...cell, soc: 0.5, stackPressureMPa: -1 }, {}, 'stackPressureMPa'],
    [{ ...cell, soc: 0.5, cycle: 1.5 }, {}, 'cycle'],
    [{ ...cell, soc: 0.5 }, { fSe: 0 }, 'params.fSe'],
    [{ ...cell, soc: 0.5 }, { materials: [{ id: 'Li6PS5Cl', epsR: -1 }] }, 'materials.Li6PS5Cl.epsR'],
    [{ model: 'gouy-chapman', epsR: 0, carrierDensityCm3: 1e21, potentialDropV: 0.1 }, {}, 'epsR'],
    [
      { model: 'lattice-gas', epsR: 10, carrierDensityCm3: 1e21, siteDensityCm3: 1e20, potentialDropV: 0.1 },
      {},
      'siteDensityCm3',
    ],
    [
      { model: 'gouy-chapman', epsR: 10, carrierDensityCm3: -1, potentialDropV: 0.1 },
      {},
      'carrierDensityCm3',
    ],
  ];
  for (const [query, params, field] of cases) {
    it(`names ${field}`, () => {
      let caught: unknown;
      try {
        evaluateInterface(query, params);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InterfaceModelInputError);
      expect((caught as InterfaceModelInputError).field).toBe(field);
      expect((caught as InterfaceModelInputError).reason).toMatch(/\w/);
    });
  }
});
