import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/**
 * Decides how long a replay gives the event loop back after a slice of work. Live comes first:
 * while live samples were applied in the last second, all running replays together take at most
 * `liveShare` of wall time (a slice of s ms is followed by s·(running/share − 1) ms of rest);
 * otherwise a replay only yields one turn, so I/O callbacks still run between slices.
 */
export class ReplayGovernor {
  private liveUntilMs = 0;

  constructor(
    private readonly liveShare: number,
    private readonly running: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Live ingest applied samples just now. */
  noteLive(): void {
    this.liveUntilMs = this.now() + 1000;
  }

  restMs(sliceMs: number): number {
    if (this.now() >= this.liveUntilMs) return 0;
    return sliceMs * (Math.max(1, this.running()) / this.liveShare - 1);
  }

  async yieldSlice(sliceMs: number): Promise<void> {
    const rest = this.restMs(sliceMs);
    if (rest > 0) await sleep(rest);
    else await nextTurn();
  }
}
