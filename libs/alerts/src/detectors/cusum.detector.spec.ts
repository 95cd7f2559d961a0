import { describe, expect, it } from 'vitest';
import { robustNoiseSigma } from '../signals/robust-sigma';
import { runDetector } from '../testing/run-detector';
import { seededNoise } from '../testing/seeded-noise';
import { cusumDetector } from './cusum.detector';

/**
 * Siegmund's approximation to the one-sided CUSUM average run length for a mean shift δ (σ units):
 * ARL ≈ (e^{−2Δb} + 2Δb − 1)/(2Δ²), Δ = δ − k, b = h + 1.166 (Siegmund, Sequential Analysis, 1985;
 * Montgomery, Introduction to SQC, §9.1.3).
 */
function siegmundArl(shift: number, k: number, h: number): number {
  const d = shift - k;
  const b = h + 1.166;
  return (Math.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d * d);
}

/** Observations until the first alarm of a fresh detector fed N(shift, 1). */
function runLength(shift: number, k: number, h: number, direction: 'up' | 'both', seed: number): number {
  const d = cusumDetector({ k, h, direction, baseline: { from: 'reference', value: 0 }, sigma: 1 });
  const noise = seededNoise(seed);
  let state = d.init();
  for (let n = 1; n <= 100_000; n++) {
    const out = d.step(state, { value: shift + noise.gaussian(), tsMs: n, cycle: n });
    state = out.state;
    if (out.verdict.firing) return n;
  }
  return Infinity;
}

describe('CUSUM detector', () => {
  it('follows the tabular recursion by hand, resetting after an alarm', () => {
    const d = cusumDetector({ k: 0.5, h: 3, baseline: { from: 'reference', value: 0 }, sigma: 1 });
    const v = runDetector(d, [2, 2, 2, 2, -2, -2, -2]);
    // C⁺: 1.5, 3.0 (not > 3), 4.5 → alarm and reset, 1.5, then 0 (1.5 − 2 − 0.5 < 0)…
    // C⁻: 0, 0, 0 (reset), 0, 1.5, 3.0, 4.5 → alarm
    expect(v.map((x) => x.statistic)).toEqual([1.5, 3, 4.5, 1.5, 1.5, 3, 4.5]);
    expect(v.map((x) => x.firing)).toEqual([false, false, true, false, false, false, true]);
    expect(v[6].detail).toMatch(/alarm down/);
  });

  it('standardises by the baseline mean and the robust σ of the learning window', () => {
    const window = [10, 10.2, 9.8, 10.1, 9.9];
    const sigma = robustNoiseSigma(window);
    const d = cusumDetector({ k: 0.5, h: 4, baseline: { from: 'observations', count: 5 } });
    const v = runDetector(d, [...window, 10 + 3 * sigma]);
    expect(v.slice(0, 5).every((x) => !x.firing && x.statistic === null)).toBe(true);
    expect(v[5].baseline).toBeCloseTo(10, 12);
    expect(v[5].statistic).toBeCloseTo(3 - 0.5, 9);
  });

  it('the estimation guard widens k by g/√n and σ by 1 + g/√(2(n−1))', () => {
    const window = [10, 10.2, 9.8, 10.1, 9.9];
    const sigma = robustNoiseSigma(window) * (1 + 1 / Math.sqrt(8));
    const d = cusumDetector({
      k: 0.5,
      h: 4,
      baseline: { from: 'observations', count: 5 },
      estimationGuard: 1,
    });
    const v = runDetector(d, [...window, 10 + 3 * sigma]);
    expect(v[5].statistic).toBeCloseTo(3 - 0.5 - 1 / Math.sqrt(5), 9);
  });

  it('floors σ so a noise-free signal does not alarm on rounding', () => {
    const d = cusumDetector({
      k: 0.5,
      h: 8,
      baseline: { from: 'observations', count: 5 },
      minSigmaRel: 0.01,
    });
    const v = runDetector(d, [20, 20, 20, 20, 20, 20.02, 20.04, 20.02, 20.05]);
    expect(v.some((x) => x.firing)).toBe(false);
    // σ floored at 1 % of 20 = 0.2, so 20.02 is z = 0.1 < k and both sums stay at 0
    expect(v[5].statistic).toBe(0);
    const noFloor = cusumDetector({ k: 0.5, h: 8, baseline: { from: 'observations', count: 5 } });
    expect(runDetector(noFloor, [20, 20, 20, 20, 20, 21]).at(-1)?.ignored).toBe(true);
  });

  it('a 1σ shift is detected after about the theoretical ARL (k = 0.5, h = 8: ≈ 16 samples)', () => {
    const expected = siegmundArl(1, 0.5, 8);
    expect(expected).toBeCloseTo(16.3, 1);
    const lengths = Array.from({ length: 300 }, (_, i) => runLength(1, 0.5, 8, 'up', 1000 + i));
    const mean = lengths.reduce((a, b) => a + b) / lengths.length;
    expect(mean).toBeGreaterThan(0.85 * expected);
    expect(mean).toBeLessThan(1.15 * expected);
    // and essentially never later than four times that
    expect(Math.max(...lengths)).toBeLessThan(4 * expected);
  });

  it('in control, the two-sided run length is of the theoretical order (k = 0.5, h = 4: ≈ 169)', () => {
    // Two-sided ARL from the one-sided ones: 1/ARL = 1/ARL⁺ + 1/ARL⁻ (Montgomery §9.1.3).
    const expected = 1 / (2 / siegmundArl(0, 0.5, 4));
    const lengths = Array.from({ length: 300 }, (_, i) => runLength(0, 0.5, 4, 'both', 5000 + i));
    const mean = lengths.reduce((a, b) => a + b) / lengths.length;
    expect(mean).toBeGreaterThan(0.8 * expected);
    expect(mean).toBeLessThan(1.2 * expected);
  });
});
