import { describe, expect, it } from 'vitest';
import { seededNoise } from '../testing/seeded-noise';
import { madDifferenceSigma, median, medianAbsoluteDeviation, robustNoiseSigma } from './robust-sigma';

describe('robust noise σ', () => {
  it('median and MAD match hand-computed values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // |x − 3| = 2, 1, 0, 1, 6 → median 1
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 9])).toBe(1);
  });

  it('MAD-of-differences σ matches a hand computation', () => {
    // Δ = 1, −2, 3, −1 → median 0 → |Δ| = 1, 2, 3, 1 → MAD 1.5 → σ = 1.4826·1.5/√2
    expect(madDifferenceSigma([0, 1, -1, 2, 1])).toBeCloseTo((1.482602218505602 * 1.5) / Math.SQRT2, 12);
  });

  it('recovers σ of Gaussian noise and ignores a linear drift and one wild outlier', () => {
    const noise = seededNoise(42);
    const sigma = 0.3;
    const values = Array.from({ length: 4000 }, (_, i) => 10 + 0.01 * i + sigma * noise.gaussian());
    values[1234] += 50;
    expect(robustNoiseSigma(values)).toBeGreaterThan(sigma * 0.96);
    expect(robustNoiseSigma(values)).toBeLessThan(sigma * 1.04);
    // The classical SD would be wrecked by the drift (range 40) and the outlier.
    const m = values.reduce((a, b) => a + b) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
    expect(sd).toBeGreaterThan(10 * sigma);
  });

  it('is tighter than the plain MAD estimate on short windows (spread over 500 windows of 20)', () => {
    const spread = (estimate: (v: number[]) => number) => {
      const noise = seededNoise(7);
      const e = Array.from({ length: 500 }, () =>
        estimate(Array.from({ length: 20 }, () => noise.gaussian())),
      );
      const m = e.reduce((a, b) => a + b) / e.length;
      return Math.sqrt(e.reduce((a, b) => a + (b - m) ** 2, 0) / e.length);
    };
    expect(spread(robustNoiseSigma)).toBeLessThan(0.8 * spread(madDifferenceSigma));
  });

  it('needs three values', () => {
    expect(robustNoiseSigma([1, 2])).toBeNaN();
  });
});
