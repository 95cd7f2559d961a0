const EPSILON = 1e-9;

/**
 * A token bucket per key (the generic cell rate algorithm's burst tolerance, ITU-T I.371): tokens
 * refill at `perSecond` up to `burst`; spending one lets one item through. Times are the caller's
 * clock in ms, so a test scheduler can drive it.
 */
export class TokenBuckets {
  private readonly msPerToken: number;
  private readonly buckets = new Map<string, { tokens: number; refilledAtMs: number }>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error('TokenBuckets needs perSecond > 0 and burst ≥ 1');
    this.msPerToken = 1000 / perSecond;
  }

  /** Tokens the key holds now (fractional; starts full). */
  available(key: string, nowMs: number): number {
    const b = this.buckets.get(key);
    if (b === undefined) return this.burst;
    b.tokens = Math.min(this.burst, b.tokens + (nowMs - b.refilledAtMs) / this.msPerToken);
    b.refilledAtMs = nowMs;
    return b.tokens;
  }

  /** Spends a token if there is one. */
  take(key: string, nowMs: number): boolean {
    const tokens = this.available(key, nowMs);
    // Refills add up in floating point: a token due "now" may read 0.999…
    if (tokens < 1 - EPSILON) return false;
    this.buckets.set(key, { tokens: Math.max(0, tokens - 1), refilledAtMs: nowMs });
    return true;
  }

  /** Whole milliseconds until the key holds a token again (timers have ms resolution). */
  msUntilToken(key: string, nowMs: number): number {
    return Math.max(0, Math.ceil((1 - this.available(key, nowMs)) * this.msPerToken - EPSILON));
  }
}
