import { describe, expect, it } from 'vitest';
import { EisInputError } from '../eis-input-error';
import { logSpacedFrequenciesHz, synthesizeSpectrum } from '../synthetic/synthetic-spectrum';
import { computeDrt, findDrtPeaks } from './drt';
import { nnlsGram } from './nnls';

describe('nnlsGram', () => {
  it('solves a problem whose unconstrained optimum has a negative component', () => {
    // min ½xᵀGx − hᵀx, G = I, h = (1, −2, 3): the solution is max(h, 0) = (1, 0, 3).
    const g = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(nnlsGram(g, Float64Array.from([1, -2, 3]), 3))).toEqual([1, 0, 3]);
    // Coupled: G = [[2,1],[1,2]], h = (1, −1): unconstrained x = (1, −1); with x₂ = 0, x₁ = h₁/G₁₁ = 0.5.
    const x = nnlsGram(Float64Array.from([2, 1, 1, 2]), Float64Array.from([1, -1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 14);
    expect(x[1]).toBe(0);
  });
});

describe('computeDrt', () => {
  const f = logSpacedFrequenciesHz(0.01, 1e6, 81);
  const truth = { R0: 10, R1: 40, C1: 2.5e-6, R2: 60, C2: 1e-3 / 0.6 }; // τ₁ = 1e-4 s, τ₂ = 0.1 s

  it('puts the peaks of a two-RC spectrum at the generating τ, within one grid step (GCV λ)', () => {
    const drt = computeDrt(synthesizeSpectrum('R0-p(R1,C1)-p(R2,C2)', truth, f, 0.002, 3));
    const peaks = findDrtPeaks(drt, 0.05)
      .sort((a, b) => b.resistanceOhm - a.resistanceOhm)
      .slice(0, 2);
    const taus = peaks.map((p) => p.tauS).sort((a, b) => a - b);
    const stepDecades = drt.lnTauStep / Math.LN10;
    expect(Math.abs(Math.log10(taus[0] / 1e-4))).toBeLessThanOrEqual(stepDecades + 1e-9);
    expect(Math.abs(Math.log10(taus[1] / 0.1))).toBeLessThanOrEqual(stepDecades + 1e-9);
    expect(drt.lambda).toBeGreaterThan(0);
    // γ normalisation: Σ γ·Δln τ is the polarisation resistance R1 + R2, R_∞ the series resistance.
    expect(drt.polarisationResistanceOhm).toBeCloseTo(100, -0.5);
    expect(Math.abs(drt.seriesResistanceOhm - 10)).toBeLessThan(0.5);
    const byPeak = peaks.sort((a, b) => a.tauS - b.tauS).map((p) => p.resistanceOhm);
    expect(Math.abs(byPeak[0] - 40)).toBeLessThan(4);
    expect(Math.abs(byPeak[1] - 60)).toBeLessThan(6);
    expect(drt.gammaOhm.every((g) => g >= 0)).toBe(true);
  });

  it('honours a user λ and the first-derivative regulariser', () => {
    const spectrum = synthesizeSpectrum('R0-p(R1,C1)-p(R2,C2)', truth, f);
    const smooth = computeDrt(spectrum, { lambda: 1, regularizationOrder: 1 });
    const sharp = computeDrt(spectrum, { lambda: 1e-6, regularizationOrder: 1 });
    expect(smooth.lambda).toBe(1);
    // Heavier regularisation spreads γ: its maximum is lower and its fit worse.
    expect(Math.max(...smooth.gammaOhm)).toBeLessThan(Math.max(...sharp.gammaOhm));
    expect(smooth.residualRmsPct).toBeGreaterThan(sharp.residualRmsPct);
  });

  it('absorbs a blocking capacitor into the series C instead of the last τ bin', () => {
    const spectrum = synthesizeSpectrum('R0-p(R1,C1)-C2', { R0: 5, R1: 50, C1: 1e-6, C2: 1e-2 }, f);
    const drt = computeDrt(spectrum, { lambda: 1e-4, includeCapacitance: true });
    expect(drt.capacitanceF / 1e-2).toBeCloseTo(1, 1);
    expect(drt.polarisationResistanceOhm).toBeCloseTo(50, -0.5);
  });

  it('rejects a bad λ', () => {
    const spectrum = synthesizeSpectrum('R0-p(R1,C1)', [1, 2, 3], f);
    expect(() => computeDrt(spectrum, { lambda: -1 })).toThrow(EisInputError);
  });
});
