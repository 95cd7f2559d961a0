/**
 * Per-cell emission throttle with the live contract (issue #3): at most one state per cell per
 * window, the first at once and the newest always delivered at the end of the window. Plain arrays
 * and an injected clock instead of rxjs timers: a replay at "max" offers every sample, and this
 * costs two array reads per offer.
 */
export class TrailingThrottle {
  private readonly lastEmitMs: Float64Array;
  private readonly pending: Uint8Array;
  private pendingCount = 0;

  constructor(
    cells: number,
    private readonly windowMs: number,
  ) {
    this.lastEmitMs = new Float64Array(cells).fill(-Infinity);
    this.pending = new Uint8Array(cells);
  }

  /** A new state for `cell`: true = send it now; false = it waits for the window's end. */
  offer(cell: number, nowMs: number): boolean {
    if (nowMs - this.lastEmitMs[cell] >= this.windowMs) {
      this.lastEmitMs[cell] = nowMs;
      if (this.pending[cell] === 1) {
        this.pending[cell] = 0;
        this.pendingCount--;
      }
      return true;
    }
    if (this.pending[cell] === 0) {
      this.pending[cell] = 1;
      this.pendingCount++;
    }
    return false;
  }

  /** Cells whose window has ended with a newer state waiting: `emit` sends their current state. */
  flushDue(nowMs: number, emit: (cell: number) => void): void {
    if (this.pendingCount === 0) return;
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i] === 1 && nowMs - this.lastEmitMs[i] >= this.windowMs) {
        this.pending[i] = 0;
        this.pendingCount--;
        this.lastEmitMs[i] = nowMs;
        emit(i);
      }
    }
  }

  /** Sends every waiting state regardless of the window (end of a replay). */
  flushAll(nowMs: number, emit: (cell: number) => void): void {
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i] === 1) {
        this.pending[i] = 0;
        this.lastEmitMs[i] = nowMs;
        emit(i);
      }
    }
    this.pendingCount = 0;
  }

  /** Drops waiting states (a seek: states from before the jump must not arrive after it). */
  clear(): void {
    this.pending.fill(0);
    this.pendingCount = 0;
  }
}
