import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('starts full, spends one token per item and refills at the rate up to the burst', () => {
    const b = new TokenBuckets(10, 3); // a token every 100 ms
    expect(b.available('a', 0)).toBe(3);
    expect([b.take('a', 0), b.take('a', 0), b.take('a', 0), b.take('a', 0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(b.msUntilToken('a', 0)).toBe(100);
    expect(b.available('a', 50)).toBeCloseTo(0.5, 12);
    expect(b.take('a', 99)).toBe(false);
    expect(b.take('a', 100)).toBe(true);
    expect(b.available('a', 10_000)).toBe(3);
    expect(b.available('other', 0)).toBe(3);
  });

  it('refuses a rate or burst that cannot work', () => {
    expect(() => new TokenBuckets(0, 3)).toThrow(/perSecond/);
    expect(() => new TokenBuckets(10, 0.5)).toThrow(/burst/);
  });
});
