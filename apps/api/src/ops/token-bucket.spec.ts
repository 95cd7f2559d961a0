import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows the burst, then refuses with the time until the next token', () => {
    const buckets = new TokenBuckets(4, 3);
    const t0 = 1_000_000;
    expect([0, 1, 2].map(() => buckets.take('a', t0).ok)).toEqual([true, true, true]);
    // empty bucket at 4 tokens/s: the next token is 250 ms away
    expect(buckets.take('a', t0)).toEqual({ ok: false, retryAfterMs: 250 });
    // 100 ms later 0.4 of a token has refilled: 150 ms to go
    expect(buckets.take('a', t0 + 100)).toEqual({ ok: false, retryAfterMs: 150 });
    expect(buckets.take('a', t0 + 250).ok).toBe(true);
    expect(buckets.take('a', t0 + 250).ok).toBe(false);
  });

  it('keeps keys apart and never refills past the capacity', () => {
    const buckets = new TokenBuckets(10, 2);
    expect(buckets.take('a', 0).ok).toBe(true);
    expect(buckets.take('a', 0).ok).toBe(true);
    expect(buckets.take('a', 0).ok).toBe(false);
    expect(buckets.take('b', 0).ok).toBe(true);
    // an hour idle still gives only 2
    const later = 3_600_000;
    expect([0, 1, 2].map(() => buckets.take('b', later).ok)).toEqual([true, true, false]);
  });

  it('is a no-op with a rate of 0 and drops idle buckets when the key limit is reached', () => {
    const off = new TokenBuckets(0, 1);
    expect(Array.from({ length: 100 }, () => off.take('x', 0).ok).every(Boolean)).toBe(true);
    const small = new TokenBuckets(1, 1, 2);
    small.take('a', 0);
    small.take('b', 0);
    // at t=5 s both are full again, so adding a third key prunes them
    small.take('c', 5000);
    expect(small.size).toBe(1);
  });
});
