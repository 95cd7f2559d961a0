import { describe, expect, it } from 'vitest';
import { runDetector } from '../testing/run-detector';
import { thresholdDetector } from './threshold.detector';

describe('threshold detector', () => {
  it('fires above the limit and counts as inside only below limit − hysteresis', () => {
    const v = runDetector(
      thresholdDetector({ direction: 'above', threshold: 10, hysteresis: 2 }),
      [9, 10, 10.5, 9, 8.5, 7.9, 11],
    );
    expect(v.map((x) => x.firing)).toEqual([false, false, true, false, false, false, true]);
    expect(v.map((x) => x.insideBand)).toEqual([false, false, false, false, false, true, false]);
    expect(v[2].statistic).toBeCloseTo(0.5, 12);
    expect(v[2].baseline).toBe(10);
  });

  it('below direction with a debounce of two observations', () => {
    const v = runDetector(
      thresholdDetector({ direction: 'below', threshold: 0.8, minConsecutive: 2 }),
      [0.85, 0.79, 0.81, 0.79, 0.78, 0.7],
    );
    expect(v.map((x) => x.firing)).toEqual([false, false, false, false, true, true]);
  });

  it('ignores non-numeric values without touching its state', () => {
    const d = thresholdDetector({ direction: 'above', threshold: 1, minConsecutive: 2 });
    const v = runDetector(d, [2, 'mechanical', Number.NaN, 2]);
    expect(v.map((x) => x.ignored ?? false)).toEqual([false, true, true, false]);
    expect(v[3].firing).toBe(true);
  });

  it('rejects an impossible configuration', () => {
    expect(() => thresholdDetector({ direction: 'above', threshold: 1, hysteresis: -1 })).toThrow(
      /hysteresis/,
    );
  });
});
