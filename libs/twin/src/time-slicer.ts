import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Cooperative time slicing for long loops on the event loop. Awaited promises continue as
 * microtasks, which run before any I/O: a loop over 200 cells that awaits between them still holds
 * database replies, rig messages and acks until it ends. `slice()` hands the loop back (one
 * setImmediate turn) once `budgetMs` of work has run since the last hand-back, so no other work
 * waits longer than about that.
 */
export class TimeSlicer {
  private sinceMs = performance.now();

  constructor(private readonly budgetMs: number) {}

  async slice(): Promise<void> {
    if (performance.now() - this.sinceMs < this.budgetMs) return;
    await nextTurn();
    this.sinceMs = performance.now();
  }
}
