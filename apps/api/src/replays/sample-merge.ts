/**
 * A k-way merge by timestamp over paged per-cell sources. Each source exposes its current head; the
 * merge keeps a binary min-heap of source indexes keyed by (head ts, source index), so equal
 * timestamps always come out in the same (cell) order and a replay is repeatable.
 */
export interface MergeSource {
  /** Timestamp of the current head; only called while `status()` is 'ready'. */
  headTsMs(): number;
  /** 'ready' = a head is available, 'io' = the next page is still loading, 'eof' = no more rows. */
  status(): 'ready' | 'io' | 'eof';
}

export type MergePick = number | 'io' | 'eof';

export class KWayMerge {
  private readonly heap: number[] = [];
  /** Sources not yet placed in the heap (their first page may still be loading). */
  private readonly unplacedAll: number[] = [];
  /** Source that was advanced but whose next head was not loaded yet: must be placed before the next pick. */
  private unplaced: number | null = null;
  /** The source a pick answered 'io' for. */
  blockedOn = -1;

  constructor(private readonly sources: readonly MergeSource[]) {
    for (let i = sources.length - 1; i >= 0; i--) this.unplacedAll.push(i);
  }

  /**
   * Index of the source whose head comes next, 'io' while a source's page is still loading
   * (wait for it, then call again), 'eof' when every source is drained.
   */
  pick(): MergePick {
    while (this.unplacedAll.length > 0) {
      const i = this.unplacedAll[this.unplacedAll.length - 1];
      const s = this.sources[i].status();
      if (s === 'io') {
        this.blockedOn = i;
        return 'io';
      }
      this.unplacedAll.pop();
      if (s === 'ready') this.push(i);
    }
    if (this.unplaced !== null) {
      const s = this.sources[this.unplaced].status();
      if (s === 'io') {
        this.blockedOn = this.unplaced;
        return 'io';
      }
      if (s === 'ready') this.siftDown(0);
      else this.popTop();
      this.unplaced = null;
    }
    return this.heap.length > 0 ? this.heap[0] : 'eof';
  }

  /** Call after the picked source moved to its next row. */
  advanced(): void {
    const top = this.heap[0];
    const s = this.sources[top].status();
    if (s === 'ready') this.siftDown(0);
    else if (s === 'eof') this.popTop();
    else this.unplaced = top;
  }

  private less(a: number, b: number): boolean {
    const ta = this.sources[a].headTsMs();
    const tb = this.sources[b].headTsMs();
    return ta < tb || (ta === tb && a < b);
  }

  private push(i: number): void {
    const h = this.heap;
    h.push(i);
    let k = h.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(h[k], h[parent])) break;
      [h[k], h[parent]] = [h[parent], h[k]];
      k = parent;
    }
  }

  private popTop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(k: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && this.less(h[r], h[l]) ? r : l;
      if (!this.less(h[m], h[k])) return;
      [h[k], h[m]] = [h[m], h[k]];
      k = m;
    }
  }
}
