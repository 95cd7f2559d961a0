import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type SamplePoint } from '@twin/contracts';
import { processInBatches } from '@twin/twin';
import { concatMap, from, Subject, type Subscription } from 'rxjs';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CellOwnershipService, type CatchUpWork } from '../ownership/cell-ownership.service';
import { SamplesRepository, type SampleToWrite } from '../samples/samples.repository';
import { TwinService } from '../twin/twin.service';

/** What became of one written batch or one twin step; the ops module turns these into metrics. */
export type IngestEvent =
  | { kind: 'commit'; rows: number; inserted: number; seconds: number; waitedSeconds: number }
  | { kind: 'failed'; rows: number; seconds: number }
  | { kind: 'twin'; cellId: string; samples: number; seconds: number };

/** Committed samples of the cells this instance owns, or catch-up announced by the ownership. */
type TwinJob =
  | { kind: 'batch'; byCell: Map<string, SamplePoint[]>; rows: number; commitStamp: number }
  | ({ kind: 'catchUp' } & CatchUpWork);
type Committed = { byCell: Map<string, SamplePoint[]>; commitStamp: number; rows: number };

interface IngestJob {
  cellId: string;
  samples: SamplePoint[];
  /** performance.now() at submit: the wait for a writer is part of every ack's latency. */
  arrivedAtMs: number;
  resolve(result: { accepted: number; duplicates: number }): void;
  reject(error: Error): void;
}

/**
 * The write half of the live path: ingest → batch writer (size/time bounded) → commit → ack →
 * twin step. Requests from many rigs share one multi-row statement; each caller is answered only
 * once its rows are committed. The twin runs on its own queue so a slow model never delays acks,
 * and FIFO order on both queues keeps each cell's samples in commit order.
 */
@Injectable()
export class IngestService implements OnModuleDestroy {
  private readonly logger = new Logger('ingest');
  private readonly jobs$ = new Subject<IngestJob>();
  private readonly committed$ = new Subject<TwinJob>();
  private readonly subscriptions: Subscription[] = [];
  private readonly catchUps: Subscription;
  private readonly writerDone: Promise<void>;
  private readonly twinDone: Promise<void>;
  private pendingRows = 0;
  private closed = false;
  private twinQueueDepth = 0;
  /** Committed rows still waiting for the twin: they count against the ingest bound too. */
  private twinQueuedRows = 0;
  /**
   * Past this many rows waiting for the twin, writers hold their next batch until the twin has
   * caught up below it: acks come later and closed-loop rigs slow to the model's pace, instead of
   * the queue filling to INGEST_MAX_PENDING_ROWS and every rig getting 503s and a one-second wait.
   */
  private readonly twinLagLimitRows: number;
  private twinCaughtUp: { promise: Promise<void>; resolve(): void } | null = null;
  readonly events$ = new Subject<IngestEvent>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly samples: SamplesRepository,
    private readonly twin: TwinService,
    private readonly ownership: CellOwnershipService,
  ) {
    // Above what the writers can have committed but not yet handed over (up to INGEST_WRITERS − 1
    // batches queue behind an earlier one that is still writing, or waiting here): those rows alone
    // never keep a writer waiting, so the twin can always drain the queue below the limit.
    this.twinLagLimitRows = Math.max(
      (config.ingestWriters + 1) * config.ingestBatchMaxRows,
      Math.floor(config.ingestMaxPendingRows / 8),
    );
    this.writerDone = new Promise((done) =>
      this.subscriptions.push(
        this.jobs$
          .pipe(
            // Several transactions in flight use the database's cores; a batch is formed when a
            // writer is free, so what queued meanwhile goes in one transaction. The twin still gets
            // batches in the order they were formed (see handOver): each cell's samples stay in order.
            processInBatches(
              (j) => j.samples.length,
              config.ingestBatchMaxRows,
              config.ingestBatchMaxWaitMs,
              config.ingestWriters,
              (batch) => this.write(batch, this.nextTag++),
            ),
          )
          .subscribe({ complete: done }),
      ),
    );
    this.twinDone = new Promise((done) =>
      this.subscriptions.push(
        this.committed$.pipe(concatMap((job) => from(this.advanceTwins(job)))).subscribe({ complete: done }),
      ),
    );
    this.catchUps = this.ownership.work$.subscribe((work) => {
      this.twinQueueDepth += 1;
      this.committed$.next({ kind: 'catchUp', ...work });
    });
  }

  get queueDepth(): { pendingRows: number; twinBatches: number; twinRows: number } {
    return { pendingRows: this.pendingRows, twinBatches: this.twinQueueDepth, twinRows: this.twinQueuedRows };
  }

  /** Resolves once the samples are durable; rejects with 503 + Retry-After when ingest is saturated. */
  submit(cellId: string, samples: SamplePoint[]): Promise<{ accepted: number; duplicates: number }> {
    if (samples.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    if (this.closed) {
      return Promise.reject(new DomainError(ErrorCode.Unavailable, 'shutting down, retry elsewhere', [], 1));
    }
    // The twin queue counts too: when the model falls behind, rigs slow down instead of memory growing.
    if (this.pendingRows + this.twinQueuedRows + samples.length > this.config.ingestMaxPendingRows) {
      return Promise.reject(
        new DomainError(ErrorCode.Unavailable, 'ingest is saturated, retry later', [], 1),
      );
    }
    this.pendingRows += samples.length;
    return new Promise((resolve, reject) =>
      this.jobs$.next({ cellId, samples, arrivedAtMs: performance.now(), resolve, reject }),
    );
  }

  private nextTag = 0;
  private nextToHandOver = 0;
  private readonly finished = new Map<number, Committed | null>();

  /** Releases committed batches to the twin strictly in formation order. */
  private handOver(tag: number, committed: Committed | null): void {
    this.finished.set(tag, committed);
    while (this.finished.has(this.nextToHandOver)) {
      const ready = this.finished.get(this.nextToHandOver)!;
      this.finished.delete(this.nextToHandOver);
      this.nextToHandOver += 1;
      if (ready && ready.byCell.size > 0) {
        this.twinQueueDepth += 1;
        this.committed$.next({ kind: 'batch', ...ready });
      }
    }
  }

  private async write(batch: IngestJob[], tag: number): Promise<void> {
    let handed = false;
    const rows: SampleToWrite[] = [];
    /** Per cell, seq → the job its row came from; a seq twice in the batch is written once. */
    const jobOf = new Map<string, Map<number, number>>();
    batch.forEach((job, jobIndex) => {
      let seqs = jobOf.get(job.cellId);
      if (!seqs) jobOf.set(job.cellId, (seqs = new Map()));
      for (const sample of job.samples) {
        if (seqs.has(sample.seq)) continue;
        seqs.set(sample.seq, jobIndex);
        rows.push({ cellId: job.cellId, sample });
      }
    });
    const total = batch.reduce((n, j) => n + j.samples.length, 0);
    // Counted as the batch's wait for a writer (twin_ingest_writer_wait_seconds), not as commit time.
    if (this.twinQueuedRows > this.twinLagLimitRows) await this.twinBelowLagLimit();
    const startedMs = performance.now();
    const waitedSeconds = (startedMs - batch[0].arrivedAtMs) / 1000;
    try {
      // Free cells become ours before the write, so the insert can tell who steps their twins.
      await this.ownership.acquire(new Set(jobOf.keys()));
      const inserted = await this.samples.insertBatch(rows, this.ownership.instanceId, (cellId) =>
        this.ownership.surelyHolds(cellId),
      );
      const commitStamp = this.twin.noteCommit();
      const seconds = (performance.now() - startedMs) / 1000;
      this.events$.next({ kind: 'commit', rows: total, inserted: inserted.length, seconds, waitedSeconds });
      const accepted = new Array<number>(batch.length).fill(0);
      // Cells another instance owns are stepped there, from twin_pending.
      const pendingCells = new Set<string>();
      // Usually every row is new; only otherwise is it worth remembering which ones were.
      const newSeqs = inserted.length === rows.length ? null : new Map<string, Set<number>>();
      for (const r of inserted) {
        accepted[jobOf.get(r.cell_id)!.get(r.seq)!] += 1;
        if (r.pending) pendingCells.add(r.cell_id);
        if (newSeqs) {
          let seqs = newSeqs.get(r.cell_id);
          if (!seqs) newSeqs.set(r.cell_id, (seqs = new Set()));
          seqs.add(r.seq);
        }
      }
      batch.forEach((job, i) =>
        job.resolve({ accepted: accepted[i], duplicates: job.samples.length - accepted[i] }),
      );
      const byCell = new Map<string, SamplePoint[]>();
      for (const { cellId, sample } of rows) {
        if (pendingCells.has(cellId) || (newSeqs && !newSeqs.get(cellId)?.has(sample.seq))) continue;
        let list = byCell.get(cellId);
        if (!list) byCell.set(cellId, (list = []));
        list.push(sample);
      }
      // Counted from the commit, not from the hand-over: a batch committed ahead of an earlier one
      // waits for it, and the writers' lag check must see its rows meanwhile.
      let twinRows = 0;
      for (const list of byCell.values()) twinRows += list.length;
      this.twinQueuedRows += twinRows;
      handed = true;
      this.handOver(tag, { byCell, commitStamp, rows: twinRows });
    } catch (error) {
      this.logger.warn(`batch of ${total} rows not committed: ${(error as Error).message}`);
      this.events$.next({ kind: 'failed', rows: total, seconds: (performance.now() - startedMs) / 1000 });
      const failure = new DomainError(ErrorCode.Unavailable, 'database unavailable, retry later', [], 2);
      batch.forEach((job) => job.reject(failure));
      // The statement may have committed before the connection broke; a resend then counts as
      // duplicates and would never reach the twin. Reloading these cells from the database covers it.
      for (const job of batch) this.twin.forget(job.cellId);
    } finally {
      this.pendingRows -= total;
      // A failed batch still takes its turn, or every later batch would wait for it forever.
      if (!handed) this.handOver(tag, null);
    }
  }

  private twinBelowLagLimit(): Promise<void> {
    if (!this.twinCaughtUp) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.twinCaughtUp = { promise, resolve };
    }
    return this.twinCaughtUp.promise;
  }

  private async advanceTwins(job: TwinJob): Promise<void> {
    if (job.kind === 'catchUp') {
      try {
        await this.twin.catchUp(job.cellId, job.fromSeq);
      } catch (error) {
        this.twin.forget(job.cellId);
        this.logger.warn(`catch-up of ${job.cellId} will retry on reload: ${(error as Error).message}`);
      } finally {
        this.twinQueueDepth -= 1;
      }
      return;
    }
    try {
      await this.twin.applyBatch(job.byCell, job.commitStamp, (cellId, samples, seconds, error) => {
        if (error) this.logger.warn(`twin of ${cellId} will resync: ${error.message}`);
        else this.events$.next({ kind: 'twin', cellId, samples, seconds });
      });
    } finally {
      this.twinQueueDepth -= 1;
      this.twinQueuedRows -= job.rows;
      if (this.twinCaughtUp && this.twinQueuedRows <= this.twinLagLimitRows) {
        this.twinCaughtUp.resolve();
        this.twinCaughtUp = null;
      }
    }
  }

  /** Graceful shutdown: stop taking work, commit and ack what was accepted, let the twin catch up. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.jobs$.complete();
    await this.writerDone;
    this.catchUps.unsubscribe();
    this.committed$.complete();
    await this.twinDone;
    this.subscriptions.forEach((s) => s.unsubscribe());
    this.events$.complete();
  }
}
