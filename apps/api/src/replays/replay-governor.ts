import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** A replay waits at most this long for pending live batches before its next slice (progress bound). */
const MAX_DEFER_MS = 50;
const DEFER_POLL_MS = 2;

/**
 * Decides how long a replay gives the event loop back after a slice of work. Live comes first:
 * while live samples were applied in the last second or live batches are waiting, all running
 * replays together take at most `liveShare` of wall time (w ms of measured work are followed by
 * w·(running/share − 1) ms of rest), and after its rest a replay lets waiting live batches go first
 * (up to MAX_DEFER_MS); otherwise a replay only yields one turn, so I/O callbacks still run between
 * slices.
 */
export class ReplayGovernor {
  private liveUntilMs = 0;

  constructor(
    private readonly liveShare: number,
    private readonly running: () => number,
    /** Live samples accepted but not yet applied by the twin (ingest's queue depth). */
    private readonly livePending: () => boolean = () => false,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Live ingest applied samples just now. */
  noteLive(): void {
    this.liveUntilMs = this.now() + 1000;
  }

  private liveActive(): boolean {
    return this.now() < this.liveUntilMs || this.livePending();
  }

  restMs(workMs: number): number {
    if (!this.liveActive()) return 0;
    return workMs * (Math.max(1, this.running()) / this.liveShare - 1);
  }

  async yieldSlice(workMs: number): Promise<void> {
    if (!this.liveActive()) {
      await nextTurn();
      return;
    }
    const rest = this.restMs(workMs);
    if (rest > 0) await sleep(rest);
    else await nextTurn();
    const until = this.now() + MAX_DEFER_MS;
    while (this.livePending() && this.now() < until) await sleep(DEFER_POLL_MS);
  }
}
