import type { SamplePoint } from '@twin/contracts';
import type { MergeSource } from './sample-merge';

export type PageReader = (afterSeq: number, limit: number) => Promise<SamplePoint[]>;

/**
 * One cell's samples as a merge source: bounded pages by seq, the next page requested as soon as
 * the current one arrives, so reading overlaps stepping and at most two pages per cell are held.
 */
export class CellCursor implements MergeSource {
  private page: SamplePoint[] = [];
  private pos = 0;
  private ready: SamplePoint[] | null = null;
  private inFlight: Promise<void> | null = null;
  private lastPageFull = true;
  private afterSeq: number;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly read: PageReader,
    private readonly pageSize: number,
    startAfterSeq = -1,
  ) {
    this.afterSeq = startAfterSeq;
    this.fetch();
  }

  private fetch(): void {
    const after = this.afterSeq;
    this.inFlight = this.read(after, this.pageSize).then(
      (rows) => {
        this.inFlight = null;
        if (this.closed) return;
        this.ready = rows;
        this.lastPageFull = rows.length === this.pageSize;
        if (rows.length > 0) this.afterSeq = rows[rows.length - 1].seq;
      },
      (error: Error) => {
        this.inFlight = null;
        this.failure = error;
      },
    );
  }

  /** Promise that settles when the pending page has arrived (or failed). */
  wait(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  status(): 'ready' | 'io' | 'eof' {
    if (this.failure) throw this.failure;
    if (this.pos < this.page.length) return 'ready';
    if (this.ready !== null) {
      this.page = this.ready;
      this.pos = 0;
      this.ready = null;
      if (this.lastPageFull) this.fetch();
      return this.page.length > 0 ? 'ready' : 'eof';
    }
    return this.inFlight !== null ? 'io' : 'eof';
  }

  head(): SamplePoint {
    return this.page[this.pos];
  }

  headTsMs(): number {
    return this.page[this.pos].tsMs;
  }

  advance(): void {
    this.pos++;
  }

  /** Stops caring about pages in flight and drops what is held (cancel, seek back). */
  close(): void {
    this.closed = true;
    this.page = [];
    this.ready = null;
  }
}
