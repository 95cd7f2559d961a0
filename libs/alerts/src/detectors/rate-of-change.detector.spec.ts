import { describe, expect, it } from 'vitest';
import { runDetector } from '../testing/run-detector';
import type { DetectorObservation } from './detector.types';
import { leastSquaresSlope, rateOfChangeDetector } from './rate-of-change.detector';

describe('rate of change detector', () => {
  it('least-squares slope matches a hand computation', () => {
    // x = 1, 2, 3 and y = 1, 4, 4: x̄ = 2, ȳ = 3, Sxy = (−1)(−2) + 0·1 + 1·1 = 3, Sxx = 2 → slope 1.5
    expect(leastSquaresSlope([1, 2, 3], [1, 4, 4])).toEqual({ slopePerCycle: 1.5, meanValue: 3 });
    expect(leastSquaresSlope([2, 2], [1, 3])).toBeNull();
  });

  it('fires when the relative slope over the window passes the limit', () => {
    // capacity 100·(1 − 0.006·c): slope −0.6 per cycle, window mean of cycles 0–4 = 98.8
    const values = Array.from({ length: 8 }, (_, c) => 100 * (1 - 0.006 * c));
    const v = runDetector(
      rateOfChangeDetector({ windowCycles: 5, thresholdPctPerCycle: -0.5, direction: 'below' }),
      values,
    );
    expect(v.slice(0, 4).every((x) => !x.firing && x.statistic === null)).toBe(true);
    expect(v[4].firing).toBe(true);
    expect(v[4].statistic).toBeCloseTo((-0.6 / 98.8) * 100, 10);
    // a later window, cycles 3–7: mean 100(1 − 0.006·5) = 97
    expect(v[7].statistic).toBeCloseTo((-0.6 / 97) * 100, 10);
  });

  it('averages several observations of one cycle before fitting', () => {
    const d = rateOfChangeDetector({ windowCycles: 3, thresholdPctPerCycle: 1, direction: 'above' });
    let state = d.init();
    const obs: DetectorObservation[] = [
      { value: 9, tsMs: 0, cycle: 0 },
      { value: 11, tsMs: 1, cycle: 0 },
      { value: 10.5, tsMs: 2, cycle: 1 },
      { value: 11, tsMs: 3, cycle: 2 },
    ];
    let last = null;
    for (const o of obs) {
      const out = d.step(state, o);
      state = out.state;
      last = out.verdict;
    }
    // per-cycle means 10, 10.5, 11 → slope 0.5, mean 10.5 → 4.76 %/cycle
    expect(last?.statistic).toBeCloseTo((0.5 / 10.5) * 100, 10);
    expect(last?.firing).toBe(true);
  });
});
