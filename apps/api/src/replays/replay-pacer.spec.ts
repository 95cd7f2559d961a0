import { describe, expect, it } from 'vitest';
import { ReplayPacer } from './replay-pacer';

describe('ReplayPacer', () => {
  it('at speed 100 a sample one simulated minute after the first waits 600 wall ms', () => {
    const p = new ReplayPacer(100);
    expect(p.delayMs(1_000_000, 5_000)).toBe(0); // first sample anchors
    expect(p.delayMs(1_060_000, 5_000)).toBe(600);
    expect(p.delayMs(1_060_000, 5_400)).toBe(200);
    expect(p.delayMs(1_060_000, 5_700)).toBe(-100);
    expect(p.simulatedMs(5_250)).toBe(1_025_000);
  });

  it('re-anchoring after a pause continues from the simulated time reached, not the wall time lost', () => {
    const p = new ReplayPacer(10);
    p.delayMs(0, 0);
    const atPause = p.simulatedMs(1_000)!; // 10 s simulated
    p.anchor(atPause, 61_000); // paused for a minute
    expect(p.delayMs(20_000, 61_000)).toBe(1_000);
  });

  it('never waits at "max" and has no simulated clock', () => {
    const p = new ReplayPacer('max');
    expect(p.delayMs(0, 0)).toBe(0);
    expect(p.delayMs(1e12, 0)).toBe(0);
    expect(p.simulatedMs(10)).toBeNull();
  });
});
