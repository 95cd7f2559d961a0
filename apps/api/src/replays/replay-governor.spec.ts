import { describe, expect, it } from 'vitest';
import { ReplayGovernor } from './replay-governor';

describe('ReplayGovernor', () => {
  it('rests only while live is active, in proportion to measured work and running replays', () => {
    let nowMs = 0;
    let running = 1;
    let pending = false;
    const g = new ReplayGovernor(
      0.1,
      () => running,
      () => pending,
      () => nowMs,
    );
    expect(g.restMs(8)).toBe(0);
    g.noteLive();
    expect(g.restMs(8)).toBeCloseTo(72, 9); // 8 ms of work, 72 ms of rest: 10 % of wall time
    running = 2;
    expect(g.restMs(12)).toBeCloseTo(228, 9); // two replays share the same 10 %
    nowMs = 1000;
    expect(g.restMs(8)).toBe(0);
    pending = true; // batches waiting count as live activity even before the twin applies them
    expect(g.restMs(8)).toBeCloseTo(152, 9);
  });

  it('lets waiting live batches go first after its rest, but only for a bounded time', async () => {
    let pending = true;
    const g = new ReplayGovernor(
      1,
      () => 1,
      () => pending,
    );
    g.noteLive();
    const started = performance.now();
    setTimeout(() => (pending = false), 20);
    await g.yieldSlice(1); // share 1: no rest, then waits for the live queue to drain
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(15);
    pending = true;
    const again = performance.now();
    await g.yieldSlice(1);
    expect(performance.now() - again).toBeLessThan(200); // gives up after MAX_DEFER_MS
  });
});
