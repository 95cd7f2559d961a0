export type FrameScheduler = (callback: () => void) => void;

export const animationFrame: FrameScheduler = (callback) => {
  requestAnimationFrame(() => callback());
};

/**
 * Keeps only the newest value per key until the next frame, then flushes them together: however fast
 * events arrive, the page does at most one update per key per frame and never builds a backlog.
 */
export class FrameBatcher<K, V> {
  private pending = new Map<K, V>();
  private scheduled = false;

  constructor(
    private readonly flush: (batch: ReadonlyMap<K, V>) => void,
    private readonly schedule: FrameScheduler = animationFrame,
  ) {}

  push(key: K, value: V): void {
    this.pending.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      const batch = this.pending;
      this.pending = new Map();
      if (batch.size > 0) this.flush(batch);
    });
  }

  /** Forgets what is pending (a view unmounting); a flush already scheduled then finds nothing. */
  cancel(): void {
    this.pending.clear();
  }
}

/** Runs `draw` at most once per frame however many times `request` is called in between. */
export class FrameDrawer {
  private scheduled = false;
  private active = true;

  constructor(
    private readonly draw: () => void,
    private readonly schedule: FrameScheduler = animationFrame,
  ) {}

  request(): void {
    if (this.scheduled || !this.active) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      if (this.active) this.draw();
    });
  }

  stop(): void {
    this.active = false;
  }
}
