import { describe, expect, it } from 'vitest';
import { TimeSlicer } from './time-slicer';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('TimeSlicer', () => {
  it('lets I/O-phase work (a timer, an immediate) run between slices of a long loop of awaits', async () => {
    const slicer = new TimeSlicer(2);
    let immediateRanAt = -1;
    setImmediate(() => (immediateRanAt = step));
    let step = 0;
    for (; step < 20; step++) {
      await slicer.slice();
      busy(1);
    }
    // Plain awaits would have run all 20 steps first; the slicer yields after about two.
    expect(immediateRanAt).toBeGreaterThan(0);
    expect(immediateRanAt).toBeLessThanOrEqual(4);
  });

  it('does not yield while the loop is within its budget', async () => {
    const slicer = new TimeSlicer(1000);
    let immediateRan = false;
    setImmediate(() => (immediateRan = true));
    for (let i = 0; i < 100; i++) await slicer.slice();
    expect(immediateRan).toBe(false);
  });
});
