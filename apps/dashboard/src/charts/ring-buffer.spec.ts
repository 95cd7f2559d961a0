import { describe, expect, it } from 'vitest';
import { ColumnRing } from './ring-buffer';

describe('ColumnRing', () => {
  it('returns rows oldest first before it fills', () => {
    const ring = new ColumnRing(4, 2);
    ring.push([1, 10]);
    ring.push([2, null]);
    expect(ring.size).toBe(2);
    expect(ring.columns()).toEqual([
      [1, 2],
      [10, null],
    ]);
    expect(ring.last(0)).toBe(2);
    expect(Number.isNaN(ring.last(1))).toBe(true);
  });

  it('drops the oldest rows once full and keeps order across the wrap', () => {
    const ring = new ColumnRing(3, 1);
    for (let i = 1; i <= 7; i++) ring.push([i]);
    expect(ring.size).toBe(3);
    expect(ring.columns()).toEqual([[5, 6, 7]]);
    expect(ring.at(0, 0)).toBe(5);
  });

  it('empties on clear and rejects a zero capacity', () => {
    const ring = new ColumnRing(2, 1);
    ring.push([1]);
    ring.clear();
    expect(ring.columns()).toEqual([[]]);
    expect(() => new ColumnRing(0, 1)).toThrow(RangeError);
  });
});
