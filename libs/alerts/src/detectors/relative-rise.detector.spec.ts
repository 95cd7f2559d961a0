import { describe, expect, it } from 'vitest';
import { runDetector } from '../testing/run-detector';
import type { DetectorObservation } from './detector.types';
import { relativeRiseDetector } from './relative-rise.detector';

describe('relative rise detector', () => {
  it('baseline = mean of the first N observations; fires above baseline·(1 + risePct/100)', () => {
    const d = relativeRiseDetector({
      risePct: 30,
      baseline: { from: 'observations', count: 3 },
      hysteresisPct: 10,
    });
    const v = runDetector(d, [10, 11, 12, 14, 14.4, 13.3, 13.1]);
    expect(v.slice(0, 3).map((x) => x.baseline)).toEqual([null, null, 11]);
    // mean 11 → limit 14.3; 14 is +27.3 %, 14.4 is +30.9 %
    expect(v.map((x) => x.firing)).toEqual([false, false, false, false, true, false, false]);
    expect(v[4].statistic).toBeCloseTo(((14.4 - 11) / 11) * 100, 10);
    // inside once within 30 − 10 = 20 %: 14 (+27.3 %) and 13.3 (+20.9 %) are not, 13.1 (+19.1 %) is
    expect(v.map((x) => x.insideBand).slice(3)).toEqual([false, false, false, true]);
  });

  it('baseline over the first N cycles averages every observation of those cycles', () => {
    const d = relativeRiseDetector({ risePct: 10, baseline: { from: 'cycles', count: 2 } });
    let state = d.init();
    const obs: DetectorObservation[] = [
      { value: 1, tsMs: 0, cycle: 5 },
      { value: 2, tsMs: 1, cycle: 5 },
      { value: 3, tsMs: 2, cycle: 6 },
      { value: 2.3, tsMs: 3, cycle: 7 },
      { value: 2.1, tsMs: 4, cycle: 7 },
    ];
    const verdicts = obs.map((o) => {
      const out = d.step(state, o);
      state = out.state;
      return out.verdict;
    });
    // cycles 5 and 6 → mean 2; the first observation of cycle 7 is judged: +15 % > 10 %.
    expect(verdicts[3].baseline).toBe(2);
    expect(verdicts.map((x) => x.firing)).toEqual([false, false, false, true, false]);
  });

  it('uses a stated reference and the fall direction', () => {
    const d = relativeRiseDetector({
      risePct: 20,
      direction: 'fall',
      baseline: { from: 'reference', value: 5 },
    });
    const v = runDetector(d, [4.5, 3.9]);
    expect(v.map((x) => x.firing)).toEqual([false, true]);
    expect(v[1].statistic).toBeCloseTo(22, 10);
  });
});
