import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-delay';

describe('retryDelayMs', () => {
  it('doubles from the base on each attempt and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, 500, 10_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('treats attempt 0 like the first and survives absurd attempt counts', () => {
    expect(retryDelayMs(0, 500, 10_000)).toBe(500);
    expect(retryDelayMs(10_000, 500, 10_000)).toBe(10_000);
  });
});
