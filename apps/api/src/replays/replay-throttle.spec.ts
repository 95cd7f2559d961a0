import { describe, expect, it } from 'vitest';
import { TrailingThrottle } from './replay-throttle';

describe('TrailingThrottle', () => {
  it('lets the first state through, holds the rest of the window and sends the newest at its end', () => {
    const t = new TrailingThrottle(2, 100);
    expect(t.offer(0, 0)).toBe(true);
    expect(t.offer(0, 10)).toBe(false);
    expect(t.offer(0, 50)).toBe(false);
    expect(t.offer(1, 50)).toBe(true); // another cell has its own window
    const sent: [number, number][] = [];
    t.flushDue(99, (c) => sent.push([c, 99]));
    expect(sent).toEqual([]);
    t.flushDue(100, (c) => sent.push([c, 100]));
    expect(sent).toEqual([[0, 100]]);
    // the trailing send opened a new window: a state at 150 waits until 200
    expect(t.offer(0, 150)).toBe(false);
    expect(t.offer(0, 200)).toBe(true);
    t.flushDue(1000, (c) => sent.push([c, 1000]));
    expect(sent).toEqual([[0, 100]]);
  });

  it('never sends more than one state per cell per window whatever the offer rate', () => {
    const t = new TrailingThrottle(1, 100);
    const sends: number[] = [];
    for (let now = 0; now < 1000; now++) {
      if (t.offer(0, now)) sends.push(now);
      if (now % 25 === 0) t.flushDue(now, () => sends.push(now));
    }
    expect(sends.length).toBe(10);
    for (let i = 1; i < sends.length; i++) expect(sends[i] - sends[i - 1]).toBeGreaterThanOrEqual(100);
  });

  it('flushAll sends waiting states at once; clear drops them', () => {
    const t = new TrailingThrottle(3, 100);
    t.offer(0, 0);
    t.offer(0, 1);
    t.offer(2, 0);
    t.offer(2, 1);
    const sent: number[] = [];
    t.flushAll(2, (c) => sent.push(c));
    expect(sent).toEqual([0, 2]);
    t.offer(1, 0);
    t.offer(1, 5);
    t.clear();
    t.flushAll(500, (c) => sent.push(c));
    expect(sent).toEqual([0, 2]);
  });
});
