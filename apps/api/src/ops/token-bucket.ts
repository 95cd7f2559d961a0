/**
 * Token bucket per key (a token id): `capacity` requests at once, refilled at `ratePerSecond`.
 * State lives in this process only, so with N instances a token may make up to N times the rate.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string | number, { level: number; atMs: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    /** Above this many keys, full (idle) buckets are dropped: they carry no information. */
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token; on refusal returns how long until one is available. */
  take(key: string | number, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    if (this.ratePerSecond <= 0) return { ok: true };
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune(nowMs);
      bucket = { level: this.capacity, atMs: nowMs };
      this.buckets.set(key, bucket);
    }
    const elapsedMs = Math.max(0, nowMs - bucket.atMs);
    bucket.level = Math.min(this.capacity, bucket.level + (elapsedMs * this.ratePerSecond) / 1000);
    bucket.atMs = nowMs;
    if (bucket.level >= 1) {
      bucket.level -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.level) * 1000) / this.ratePerSecond) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private prune(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (b.level + ((nowMs - b.atMs) * this.ratePerSecond) / 1000 >= this.capacity) this.buckets.delete(key);
    }
  }
}
