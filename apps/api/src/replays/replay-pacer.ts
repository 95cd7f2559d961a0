/** `speed` of a replay: simulated milliseconds per wall millisecond, or as fast as possible. */
export type ReplaySpeed = number | 'max';

/**
 * Maps simulated time to wall time: a sample at `tsMs` may go once
 * wall ≥ anchorWall + (tsMs − anchorSim) / speed. The anchor is set by the first sample and moved
 * on resume and seek, so a pause does not make the replay sprint to catch up afterwards.
 */
export class ReplayPacer {
  private anchorSimMs: number | null = null;
  private anchorWallMs = 0;

  constructor(readonly speed: ReplaySpeed) {}

  /** Wall milliseconds still to wait before the sample at `tsMs` (≤ 0: go now). */
  delayMs(tsMs: number, nowMs: number): number {
    if (this.speed === 'max') return 0;
    if (this.anchorSimMs === null) {
      this.anchor(tsMs, nowMs);
      return 0;
    }
    return (tsMs - this.anchorSimMs) / this.speed - (nowMs - this.anchorWallMs);
  }

  /** Simulated time the clock has reached (null before the first sample or at "max"). */
  simulatedMs(nowMs: number): number | null {
    if (this.speed === 'max' || this.anchorSimMs === null) return null;
    return this.anchorSimMs + (nowMs - this.anchorWallMs) * this.speed;
  }

  anchor(simMs: number, nowMs: number): void {
    this.anchorSimMs = simMs;
    this.anchorWallMs = nowMs;
  }

  /** Forget the anchor: the next sample sets it (after a seek). */
  reset(): void {
    this.anchorSimMs = null;
  }
}
