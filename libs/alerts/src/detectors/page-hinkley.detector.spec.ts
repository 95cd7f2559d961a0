import { describe, expect, it } from 'vitest';
import { runDetector } from '../testing/run-detector';
import { cusumDetector } from './cusum.detector';
import { pageHinkleyDetector } from './page-hinkley.detector';

describe('Page–Hinkley detector', () => {
  it('follows the recursion by hand and adopts the new level after its alarm', () => {
    const params = {
      k: 0.5,
      h: 2,
      direction: 'up' as const,
      baseline: { from: 'reference' as const, value: 0 },
      sigma: 1,
    };
    const v = runDetector(pageHinkleyDetector(params), [0, 0, 4, 4, 4]);
    // n=1: z̄=0, m=−0.5; n=2: z̄=0, m=−1 (min); n=3: z̄=4/3, m=−1+4−4/3−0.5=1.1667 → PH = 2.1667 > 2
    expect(v[2].statistic).toBeCloseTo(2 + 1 / 6, 12);
    expect(v.map((x) => x.firing)).toEqual([false, false, true, false, false]);
    // after the reset the running mean is 4: a held shift raises no further alarm…
    expect(v[3].statistic).toBe(0);
    // …whereas the CUSUM, anchored to the baseline, alarms again and again
    const c = runDetector(cusumDetector(params), [0, 0, 4, 4, 4]);
    expect(c.map((x) => x.firing)).toEqual([false, false, true, true, true]);
    // the back-inside test still compares with the baseline, so the alert would stay open
    expect(v[4].insideBand).toBe(false);
  });

  it('detects a downward step when two-sided', () => {
    const v = runDetector(
      pageHinkleyDetector({ k: 0.5, h: 3, baseline: { from: 'reference', value: 10 }, sigma: 0.5 }),
      [10, 10, 10, 8, 8, 8],
    );
    expect(v.findIndex((x) => x.firing)).toBeGreaterThanOrEqual(3);
    expect(v.some((x) => x.firing && /alarm down/.test(x.detail))).toBe(true);
  });
});
