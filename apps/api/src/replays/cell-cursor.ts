import type { SamplePoint } from '@twin/contracts';
import type { MergeSource } from './sample-merge';

/** A page as read; decoded when the replay reaches it, so decoding is charged to the replay's slice. */
export type PageDecoder<Row = SamplePoint> = () => Row[];
export type PageReader<Key, Row = SamplePoint> = (after: Key, limit: number) => Promise<PageDecoder<Row>>;

/** First page size: a replay that is paced, paused or cancelled early never reads big pages. */
const FIRST_PAGE_ROWS = 1000;

/**
 * Rows with a timestamp as a merge source: bounded keyset pages, the next page requested as soon as
 * the current one is taken up, so reading overlaps stepping and at most two pages are held. Pages
 * start small and double up to `pageSize`, so starting a replay does not hit the database (shared
 * with live ingest) with a burst of reads it may not need for a while.
 */
export class PagedCursor<Row extends { tsMs: number }, Key> implements MergeSource {
  private page: Row[] = [];
  private pos = 0;
  private ready: PageDecoder<Row> | null = null;
  private inFlight: Promise<void> | null = null;
  private lastPageFull = true;
  private requested: number;
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly read: PageReader<Key, Row>,
    private readonly keyOf: (row: Row) => Key,
    private readonly pageSize: number,
    private after: Key,
  ) {
    this.requested = Math.min(FIRST_PAGE_ROWS, pageSize);
    this.fetch();
  }

  private fetch(): void {
    this.inFlight = this.read(this.after, this.requested).then(
      (decode) => {
        this.inFlight = null;
        if (this.closed) return;
        this.ready = decode;
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
      const rows = this.ready();
      this.ready = null;
      this.page = rows;
      this.pos = 0;
      this.lastPageFull = rows.length === this.requested;
      if (rows.length > 0) this.after = this.keyOf(rows[rows.length - 1]);
      this.requested = Math.min(this.pageSize, this.requested * 2);
      if (this.lastPageFull) this.fetch();
      return this.page.length > 0 ? 'ready' : 'eof';
    }
    return this.inFlight !== null ? 'io' : 'eof';
  }

  head(): Row {
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

/** One cell's samples, paged by seq (= time order per cell). */
export function cellCursor(read: PageReader<number>, pageSize: number): PagedCursor<SamplePoint, number> {
  return new PagedCursor<SamplePoint, number>(read, (s) => s.seq, pageSize, -1);
}
