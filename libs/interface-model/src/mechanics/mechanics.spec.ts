import { describe, expect, it } from 'vitest';
import { getMaterial } from '../materials/material-registry';
import { DEFAULT_PARAMETERS } from '../parameters';
import { damageRatePerCycle, gapContactFactor, staticContactFraction } from './contact';
import { cAxisStrain, socToLithiumContent, volumeStrain } from './lattice-strain';
import {
  advanceMechanicsCycle,
  contactReport,
  initialMechanicsState,
  totalDamage,
  trackMechanicsSample,
} from './mechanics-state';

const p = DEFAULT_PARAMETERS;
const ncm811 = getMaterial('NCM811');

describe('lattice strain (physics.md §4.1)', () => {
  it('NCM811: V(x = 0.25) = 94.26/101.38 → −7.0 %, pristine 0, c-axis 14.469 → 13.732 Å', () => {
    expect(volumeStrain(ncm811, 1)).toBe(0);
    expect(volumeStrain(ncm811, 0.25)).toBeCloseTo(94.26 / 101.38 - 1, 3);
    expect(volumeStrain(ncm811, 0.375)).toBeCloseTo((0.99 + 0.9298) / 2 - 1, 12);
    expect(cAxisStrain(ncm811, 0.6)).toBeCloseTo(14.469 / 14.2 - 1, 12);
    expect(cAxisStrain(ncm811, 0.25)).toBeCloseTo(13.732 / 14.2 - 1, 12);
    // held at the NCM90 floor below the table (§4.1 [P])
    expect(volumeStrain(getMaterial('NCM90'), 0)).toBeCloseTo(-0.08, 12);
    expect(volumeStrain(getMaterial('LiCoO2'), 0.5)).toBe(0);
  });

  it('SOC → x(Li) is linear between the cathode’s own end points', () => {
    expect(socToLithiumContent(ncm811, 0)).toBe(0.97);
    expect(socToLithiumContent(ncm811, 1)).toBeCloseTo(0.22, 12);
    expect(socToLithiumContent(ncm811, 0.5)).toBeCloseTo(0.595, 12);
    expect(socToLithiumContent(getMaterial('NCM90'), 1)).toBeCloseTo(0.15, 12);
  });
});

describe('contact law (physics.md §4.4)', () => {
  it('f_c0(P) = 1 − (1 − f_min)e^{−P/P0}: 0.5 at 0, 1 − 0.5/e at P0', () => {
    expect(staticContactFraction(0, p)).toBe(0.5);
    expect(staticContactFraction(10, p)).toBeCloseTo(1 - 0.5 / Math.E, 12);
    expect(staticContactFraction(1000, p)).toBeCloseTo(1, 12);
  });

  it('damage recursion matches a hand iteration of D_{n+1} = D_n + k_D·(|Δε| − ε_th)^m(1 − D_n)e^{−P/P_s}', () => {
    const params = { ...p, kD: 0.8, m: 1.5 };
    let d = 0;
    const rate = 0.8 * Math.pow(0.06 - 0.02, 1.5) * Math.exp(-5 / 20);
    for (let n = 0; n < 25; n++) d = d + rate * (1 - d);
    const s = advanceMechanicsCycle(
      initialMechanicsState(),
      { volumeStrainAmplitude: 0.06, stackPressureMPa: 5, cycles: 25 },
      params,
    );
    expect(totalDamage(s)).toBeCloseTo(d, 12);
    expect(s.damageReversible).toBeCloseTo(0.5 * d, 12);
    expect(damageRatePerCycle(0.012, 5, params)).toBe(0); // NCM111's 1.2 % is below ε_th
  });

  it('per-sample tracking applies the previous cycle’s amplitude on a cycle change', () => {
    let s = initialMechanicsState();
    const strains = [0, -0.01, -0.05, -0.07, -0.03, 0];
    for (const e of strains)
      s = trackMechanicsSample(s, { cycle: 1, volumeStrain: e, stackPressureMPa: 5 }, p);
    expect(totalDamage(s)).toBe(0);
    s = trackMechanicsSample(s, { cycle: 2, volumeStrain: 0, stackPressureMPa: 5 }, p);
    expect(totalDamage(s)).toBeCloseTo(damageRatePerCycle(0.07, 5, p), 12);
    expect(s.cycleStrainMin).toBe(0);
  });

  it('re-pressurising above the historical maximum resets only the reversible part (Shi 2020)', () => {
    let s = trackMechanicsSample(
      initialMechanicsState(),
      { cycle: 0, volumeStrain: 0, stackPressureMPa: 5 },
      p,
    );
    s = advanceMechanicsCycle(s, { volumeStrainAmplitude: 0.07, stackPressureMPa: 5, cycles: 20 }, p);
    const irr = s.damageIrreversible;
    expect(s.damageReversible).toBeGreaterThan(0);
    const same = trackMechanicsSample(s, { cycle: 0, volumeStrain: 0, stackPressureMPa: 5 }, p);
    expect(same.damageReversible).toBe(s.damageReversible);
    const repressed = trackMechanicsSample(s, { cycle: 0, volumeStrain: 0, stackPressureMPa: 60 }, p);
    expect(repressed.damageReversible).toBe(0);
    expect(repressed.damageIrreversible).toBe(irr);
    expect(repressed.maxPressureMPa).toBe(60);
    expect(JSON.parse(JSON.stringify(repressed))).toEqual(repressed);
  });

  it('f_c = f_c0(1 − D)·g and ΔR_mech = R_int0(1/f_c − 1); g = 1 below ε_th', () => {
    const s = advanceMechanicsCycle(
      initialMechanicsState(),
      { volumeStrainAmplitude: 0.07, stackPressureMPa: 3, cycles: 10 },
      p,
    );
    const low = contactReport(s, -0.005, 3, p);
    expect(low.gapFactor).toBe(1);
    expect(low.contactFraction).toBeCloseTo(staticContactFraction(3, p) * (1 - totalDamage(s)), 12);
    expect(low.mechanicalResistanceIncreaseOhmCm2).toBeCloseTo(
      p.rInt0OhmCm2 * (1 / low.contactFraction - 1),
      12,
    );
    const high = contactReport(s, -0.07, 3, p);
    expect(high.gapFactor).toBeCloseTo(Math.exp(-p.kGap * 0.05 * Math.exp(-3 / p.psMPa)), 12);
    expect(gapContactFactor(-0.07, 100, p)).toBeGreaterThan(high.gapFactor);
  });
});
