import { describe, expect, it } from 'vitest';
import { circuitImpedance } from '../circuit/compile-circuit';
import { EisInputError } from '../eis-input-error';
import { logSpacedFrequenciesHz, synthesizeSpectrum } from '../synthetic/synthetic-spectrum';
import { linKk } from './lin-kk';

const F = logSpacedFrequenciesHz(0.01, 1e5, 71);
const CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)-Wo1';
const TRUTH = {
  R0: 20,
  R1: 200,
  CPE1_0: 1e-8,
  CPE1_1: 0.9,
  R2: 500,
  CPE2_0: 1e-5,
  CPE2_1: 0.85,
  Wo1_0: 300,
  Wo1_1: 10,
};

describe('linKk', () => {
  it('passes a clean spectrum with residuals far below 1 %', () => {
    const kk = linKk(synthesizeSpectrum('R0-p(R1,C1)-p(R2,CPE2)', [10, 50, 1e-6, 80, 1e-3, 0.8], F));
    expect(kk.valid).toBe(true);
    expect(kk.residualRmsPct).toBeLessThan(0.3);
    expect(kk.residualRealPct).toHaveLength(F.length);
  });

  it('passes a noisy (0.5 %) solid-state spectrum, residual at the noise level', () => {
    const kk = linKk(synthesizeSpectrum(CIRCUIT, TRUTH, F, 0.005, 5));
    expect(kk.valid).toBe(true);
    // 0.5 % per part → ≈0.71 % in |ΔZ|/|Z|, plus the RC model's own interpolation error.
    expect(kk.residualRmsPct).toBeGreaterThan(0.5);
    expect(kk.residualRmsPct).toBeLessThan(1);
  });

  it('reports μ = 1 − Σ|R_k<0| / Σ|R_k≥0| of its own RC elements, at or below 0.85 unless capped', () => {
    const kk = linKk(synthesizeSpectrum(CIRCUIT, TRUTH, F, 0.005, 6));
    const neg = kk.resistancesOhm.filter((r) => r < 0).reduce((s, r) => s - r, 0);
    const pos = kk.resistancesOhm.filter((r) => r >= 0).reduce((s, r) => s + r, 0);
    expect(kk.mu).toBeCloseTo(1 - neg / pos, 12);
    expect(kk.rcElements).toBe(kk.resistancesOhm.length);
    expect(kk.mu <= 0.85 || kk.rcElements === 50).toBe(true);
    // τ grid spans 1/ω_max … 1/ω_min, log-spaced
    expect(kk.tauS[0]).toBeCloseTo(1 / (2 * Math.PI * 1e5), 12);
    expect(kk.tauS[kk.tauS.length - 1]).toBeCloseTo(1 / (2 * Math.PI * 0.01), 6);
  });

  it('flags a drifting cell: all resistances growing 40 % during the sweep (e.g. the cell cooling)', () => {
    // Sweep from high to low frequency, 2 periods per point: time is dominated by the low-frequency points.
    const order = F.slice().sort((a, b) => b - a);
    let elapsedS = 0;
    const times = order.map((f) => (elapsedS += 2 / f));
    const totalS = elapsedS;
    const zRealOhm: number[] = [];
    const zImagOhm: number[] = [];
    order.forEach((f, i) => {
      const growth = 1 + (0.4 * times[i]) / totalS;
      const drifted = { ...TRUTH, R0: TRUTH.R0 * growth, R1: TRUTH.R1 * growth, R2: TRUTH.R2 * growth };
      const z = circuitImpedance(CIRCUIT, drifted, [f]);
      zRealOhm.push(z.zRealOhm[0]);
      zImagOhm.push(z.zImagOhm[0]);
    });
    const drifting = linKk({ frequenciesHz: order, zRealOhm, zImagOhm });
    expect(drifting.valid).toBe(false);
    expect(drifting.residualRmsPct).toBeGreaterThan(1);
    // Same cell without drift passes: the failure is the drift, not the circuit.
    expect(linKk(synthesizeSpectrum(CIRCUIT, TRUTH, order)).valid).toBe(true);
  });

  it('flags a non-causal spectrum whose imaginary part belongs to a different relaxation than its real part', () => {
    const a = circuitImpedance('R0-p(R1,C1)', [10, 100, 1e-5], F);
    const b = circuitImpedance('R0-p(R1,C1)', [10, 100, 1e-4], F);
    const kk = linKk({
      frequenciesHz: F,
      zRealOhm: Array.from(a.zRealOhm),
      zImagOhm: Array.from(b.zImagOhm),
    });
    expect(kk.valid).toBe(false);
    expect(kk.residualRmsPct).toBeGreaterThan(5);
  });

  it('validates its input', () => {
    expect(() => linKk({ frequenciesHz: [1, 2], zRealOhm: [1, 2], zImagOhm: [0, 0] })).toThrow(EisInputError);
    expect(() => linKk(synthesizeSpectrum(CIRCUIT, TRUTH, F), { rcElements: 500 })).toThrow(EisInputError);
  });
});
