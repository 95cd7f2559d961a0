/**
 * Items kept from a REST snapshot plus the live events about them. A snapshot requested before an
 * event but answered after it must not wipe that event out, so every event is also kept for each
 * load in flight and laid over its answer.
 */
export class SnapshotWithEvents<V> {
  readonly items = new Map<string, V>();
  private readonly inFlight = new Set<Map<string, V>>();

  event(key: string, value: V): void {
    this.items.set(key, value);
    this.inFlight.forEach((arrived) => arrived.set(key, value));
  }

  /** Replaces the items with `fetch`'s answer and the events that came in while it was on its way. */
  async load(fetch: () => Promise<Iterable<[string, V]>>): Promise<void> {
    const arrived = new Map<string, V>();
    this.inFlight.add(arrived);
    try {
      const fresh = await fetch();
      this.items.clear();
      for (const [key, value] of fresh) this.items.set(key, value);
      arrived.forEach((value, key) => this.items.set(key, value));
    } finally {
      this.inFlight.delete(arrived);
    }
  }
}
