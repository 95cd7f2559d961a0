import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { CellConfig, CycleSummary, SamplePoint, TwinStatePayload } from '@twin/contracts';
import {
  stepCellTwin,
  summarizeCycle,
  spreadIndex,
  TimeSlicer,
  twinPayload,
  type CellTwinConfig,
  type CellTwinState,
  type TwinModelPlugin,
} from '@twin/twin';
import { Subject, type Subscription } from 'rxjs';
import { CellsRepository } from '../cells/cells.repository';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CellOwnershipService } from '../ownership/cell-ownership.service';
import { SamplesRepository } from '../samples/samples.repository';
import { TwinModelRegistry } from './twin-model.registry';
import { TwinRepository } from './twin.repository';

interface CellRuntime {
  config: CellTwinConfig;
  plugin: TwinModelPlugin | null;
  state: CellTwinState | null;
  appliedSinceCheckpoint: number;
  latestDirty: boolean;
  /** When twin_latest last got this cell's state (performance.now()); staggered between cells. */
  latestSavedAtMs: number;
  /** Commit stamp when this state last read the stored samples (load or recompute): batches
   *  committed up to it are already in the state. */
  syncedAtStamp: number;
}

const REPLAY_PAGE = 20_000;
const SLICE_MS = 2;
/**
 * twin_latest (for readers on other instances) gets each cell's state at most every
 * LATEST_EVERY_MS, in ticks of FLUSH_INTERVAL_MS: the cells' turns are spread over the ticks, since
 * one statement of 200 JSON states a second cost 10-30 ms of database time in one lump, and the
 * writers' commits waited behind it.
 */
const FLUSH_INTERVAL_MS = 200;
const LATEST_EVERY_MS = 1_000;

/**
 * Advances the twins of the cells this instance owns (see CellOwnershipService): applies committed
 * samples in seq order, recomputes from the last checkpoint before a late sample, checkpoints to
 * the database so a restarted service (or the next owner) resumes exactly, and publishes every new
 * state on `states$` (throttling is the live layer's job). Other cells are read from the database.
 */
@Injectable()
export class TwinService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('twin');
  private readonly runtimes = new Map<string, Promise<CellRuntime>>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Counts committed ingest batches; see noteCommit. */
  private commitStamp = 0;
  /** Closed cycles and checkpoints not yet written: a batch of cells costs one statement each. */
  private readonly unsavedCycles: { cellId: string; cycle: CycleSummary }[] = [];
  private readonly unsavedCheckpoints: { cellId: string; seq: number; stateJson: string }[] = [];
  /** Writes run one after another, so a recompute's checkpoint drop never overtakes an insert. */
  private persisting: Promise<void> = Promise.resolve();
  private persistRoundWaiting = false;
  private lostSubscription: Subscription | null = null;
  readonly states$ = new Subject<TwinStatePayload>();
  /**
   * How many states before a batch's newest the live view of a cell has room for right now (set by
   * LiveEmitterService from its rate limit); payloads are only built for those.
   */
  private liveRoom: (cellId: string) => number = () => 0;
  /** A commit's cells are stepped in slices, so acks and database replies are not held behind them. */
  private readonly slicer = new TimeSlicer(SLICE_MS);
  /** Every sample stepped in order, with the state after the last one (signal extractors listen here). */
  readonly applied$ = new Subject<{
    cellId: string;
    samples: SamplePoint[];
    state: CellTwinState;
    recomputed: boolean;
  }>();
  /** A cycle closed (or re-closed after a recompute) with its summary. */
  readonly cycleClosed$ = new Subject<{ cellId: string; cycle: CycleSummary }>();

  constructor(
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    private readonly twins: TwinRepository,
    private readonly samples: SamplesRepository,
    private readonly cells: CellsRepository,
    private readonly models: TwinModelRegistry,
    private readonly ownership: CellOwnershipService,
  ) {}

  onModuleInit(): void {
    this.lostSubscription = this.ownership.lost$.subscribe((cellId) => this.forget(cellId));
    this.flushTimer = setInterval(
      () => void this.flush().catch((e: Error) => this.logger.warn(e.message)),
      FLUSH_INTERVAL_MS,
    );
    this.flushTimer.unref();
  }

  /**
   * Takes every cell no other live instance holds and brings its twin up to the committed samples
   * (after a restart or crash); cells held elsewhere are that instance's to advance.
   */
  async recoverAll(): Promise<void> {
    const cellIds = (await this.cells.list()).map((c) => c.id);
    for (const cellId of await this.ownership.claimAtStart(cellIds)) await this.runtime(cellId);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.lostSubscription?.unsubscribe();
    await this.flush(true);
    // Only after the last checkpoint: the next owner resumes from it.
    await this.ownership.releaseAll();
    this.states$.complete();
    this.applied$.complete();
    this.cycleClosed$.complete();
  }

  setLiveRoom(room: (cellId: string) => number): void {
    this.liveRoom = room;
  }

  /**
   * Ingest calls this as each batch commits and hands the stamp to `apply` with the batch. A twin
   * that (re)read the stored samples after that commit already holds the batch: while the twin
   * queue is behind, the database is ahead of it, and re-applying would recompute every time.
   */
  noteCommit(): number {
    return ++this.commitStamp;
  }

  /**
   * Advances the twins of one committed ingest batch. Cells not yet in memory load together (each
   * load is several round trips); their cycles and checkpoints are written once at the end.
   */
  async applyBatch(
    byCell: Map<string, SamplePoint[]>,
    commitStamp: number,
    report: (cellId: string, samples: number, seconds: number, error?: Error) => void,
  ): Promise<void> {
    const missing = [...byCell.keys()].filter((id) => this.ownership.owns(id) && !this.runtimes.has(id));
    await Promise.all(missing.map((id) => this.runtime(id).catch(() => undefined)));
    for (const [cellId, list] of byCell) {
      await this.slicer.slice();
      const startedMs = performance.now();
      try {
        await this.apply(cellId, list, commitStamp, false);
        report(cellId, list.length, (performance.now() - startedMs) / 1000);
      } catch (error) {
        // The samples are committed; the twin reloads from its checkpoint on the next batch.
        this.forget(cellId);
        report(cellId, list.length, (performance.now() - startedMs) / 1000, error as Error);
      }
    }
    this.persistInBackground();
  }

  /**
   * The batch's cycles and checkpoints are written off the twin queue: a write that waits for the
   * database (a busy pool, a burst of other statements) held every later batch's states back by
   * 50-100 ms. One round runs at a time; calls while one waits to start leave it to take what is
   * queued by then. A failed round leaves its rows queued for the next batch's round.
   */
  private persistInBackground(): void {
    if (this.persistRoundWaiting) return;
    this.persistRoundWaiting = true;
    this.persisting
      .then(() => {
        this.persistRoundWaiting = false;
        return this.persist();
      })
      .catch((e: Error) => this.logger.warn(`twin writes will retry: ${e.message}`));
  }

  /**
   * Applies newly committed samples of one cell (any order; the twin sorts out late ones).
   * `commitStamp` (from noteCommit) is given for ingest batches, omitted for rows read back;
   * `persist: false` leaves the cycle and checkpoint writes to the caller's `persist()`.
   */
  async apply(cellId: string, committed: SamplePoint[], commitStamp?: number, persist = true): Promise<void> {
    if (committed.length === 0 || !this.ownership.owns(cellId)) return;
    // A runtime loaded now replays every committed row, these included: nothing left to step.
    const fresh = !this.runtimes.has(cellId);
    let rt: CellRuntime;
    try {
      rt = await this.runtime(cellId);
    } catch (error) {
      this.runtimes.delete(cellId);
      throw error;
    }
    if (fresh || (commitStamp !== undefined && commitStamp <= rt.syncedAtStamp)) {
      if (rt.state) {
        // Signal extractors still see these samples once, as if stepped now (the load included them).
        const sorted = [...committed].sort((a, b) => a.seq - b.seq);
        this.applied$.next({ cellId, samples: sorted, state: rt.state, recomputed: false });
        this.states$.next(twinPayload(cellId, rt.state));
      }
      return;
    }
    // (cell, seq) is unique in the database, so a sample at the twin's last seq is that very row,
    // already stepped (a load raced ahead of the batch that wrote it).
    const lastSeq = rt.state?.last.seq;
    const sorted = committed.filter((s) => s.seq !== lastSeq).sort((a, b) => a.seq - b.seq);
    if (sorted.length === 0) return;
    const closed: CycleSummary[] = [];
    const recomputed = rt.state !== null && sorted[0].seq < rt.state.last.seq;
    if (recomputed) {
      await this.recompute(rt, sorted[0].seq, closed);
    } else {
      // States before the newest, as many as the live view has room for, spread evenly over the
      // batch: a batch holding a second of samples reaches the browser as more than one point.
      // Only the states someone reads get the model's outputs: these and the newest.
      const extra = Math.max(0, Math.min(sorted.length - 1, this.liveRoom(cellId)));
      const last = sorted.length - 1;
      for (let i = 0, j = 0; i < sorted.length; i++) {
        const pushed = j < extra && i === spreadIndex(j, extra, sorted.length);
        this.step(rt, sorted[i], closed, pushed || i === last);
        if (pushed && rt.state) {
          this.states$.next(twinPayload(cellId, rt.state));
          j += 1;
        }
      }
    }
    for (const cycle of closed) this.unsavedCycles.push({ cellId, cycle });
    if (rt.state) this.applied$.next({ cellId, samples: sorted, state: rt.state, recomputed });
    for (const cycle of closed) this.cycleClosed$.next({ cellId, cycle });
    if (rt.appliedSinceCheckpoint >= this.appConfig.checkpointEverySamples && rt.state) {
      this.queueCheckpoint(cellId, rt);
    }
    if (rt.state) this.states$.next(twinPayload(cellId, rt.state));
    if (persist) await this.persist();
  }

  /** Writes the queued cycles and checkpoints; on failure they stay queued for the next call. */
  persist(): Promise<void> {
    const run = this.persisting.then(async () => {
      const cycles = this.unsavedCycles.splice(0);
      const checkpoints = this.unsavedCheckpoints.splice(0);
      try {
        await this.twins.saveCyclesOf(cycles);
        await this.twins.saveCheckpoints(checkpoints);
      } catch (error) {
        this.unsavedCycles.unshift(...cycles);
        this.unsavedCheckpoints.unshift(...checkpoints);
        throw error;
      }
    });
    this.persisting = run.catch(() => undefined);
    return run;
  }

  /** The state is serialised now: stepping goes on mutating it in place. */
  private queueCheckpoint(cellId: string, rt: CellRuntime): void {
    if (!rt.state) return;
    this.unsavedCheckpoints.push({ cellId, seq: rt.state.last.seq, stateJson: JSON.stringify(rt.state) });
    rt.appliedSinceCheckpoint = 0;
  }

  /**
   * Steps what other instances committed for a cell we own (`fromSeq`, from twin_pending), or, with
   * null, loads a cell just taken over from its newest checkpoint and steps everything after it.
   */
  async catchUp(cellId: string, fromSeq: number | null): Promise<void> {
    if (!this.ownership.owns(cellId)) return;
    if (fromSeq === null) this.forget(cellId);
    const fresh = !this.runtimes.has(cellId);
    const rt = await this.runtime(cellId);
    if (fresh) {
      if (rt.state) this.states$.next(twinPayload(cellId, rt.state));
      return;
    }
    const lastSeq = rt.state?.last.seq ?? -1;
    if (fromSeq !== null && fromSeq < lastSeq) {
      // Late rows: one apply recomputes from the checkpoint before them through everything stored.
      await this.apply(cellId, await this.samples.readAfter(cellId, fromSeq - 1, REPLAY_PAGE));
      return;
    }
    for (let cursor = lastSeq; ;) {
      const page = await this.samples.readAfter(cellId, cursor, REPLAY_PAGE);
      await this.apply(cellId, page);
      if (page.length < REPLAY_PAGE) return;
      cursor = page[page.length - 1].seq;
    }
  }

  /**
   * A measured interface resistance reaches the model (EIS fit or pulse estimate). It runs on the
   * caller's turn, between sample batches, and is checkpointed with the state like everything else.
   */
  async calibrate(
    cellId: string,
    measuredInterfaceResistanceOhmCm2: number,
  ): Promise<Record<string, unknown> | null> {
    // The owner's twin is the one that is advanced and checkpointed; see docs/deploy.md.
    if (!this.ownership.owns(cellId)) return null;
    const rt = await this.runtime(cellId);
    if (!rt.state || !rt.plugin?.calibrate) return null;
    const { state, outputs } = rt.plugin.calibrate(rt.state.model, measuredInterfaceResistanceOhmCm2);
    rt.state = { ...rt.state, model: state, outputs: { ...rt.state.outputs, ...outputs } };
    rt.latestDirty = true;
    this.states$.next(twinPayload(cellId, rt.state));
    return outputs;
  }

  async current(cellId: string): Promise<TwinStatePayload | null> {
    // Another instance advances this cell: its latest state as flushed there (about once a second).
    if (!this.ownership.owns(cellId)) return this.twins.latest(cellId);
    const rt = await this.runtime(cellId);
    return rt.state ? twinPayload(cellId, rt.state) : null;
  }

  /** Closed cycles from the database plus the one still running. */
  async cycles(cellId: string): Promise<CycleSummary[]> {
    const byIndex = new Map((await this.twins.cycles(cellId)).map((c) => [c.index, c]));
    if (!this.ownership.owns(cellId)) return [...byIndex.values()];
    for (const u of this.unsavedCycles) if (u.cellId === cellId) byIndex.set(u.cycle.index, u.cycle);
    const open = (await this.runtime(cellId)).state?.cycles.open;
    if (open) byIndex.set(open.index, summarizeCycle(open));
    return [...byIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** A cell created (or changed) after start-up gets a fresh runtime. */
  forget(cellId: string): void {
    this.runtimes.delete(cellId);
  }

  private runtime(cellId: string): Promise<CellRuntime> {
    let rt = this.runtimes.get(cellId);
    if (!rt) {
      rt = this.load(cellId);
      this.runtimes.set(cellId, rt);
      rt.catch(() => this.runtimes.delete(cellId));
    }
    return rt;
  }

  private async load(cellId: string): Promise<CellRuntime> {
    const cell = await this.cells.get(cellId);
    if (!cell) throw new Error(`unknown cell ${cellId}`);
    const rt = this.newRuntime(cell);
    const checkpoint = await this.twins.checkpointBefore(cellId, null);
    rt.state = checkpoint?.state ?? null;
    const closed: CycleSummary[] = [];
    await this.replayFrom(rt, cellId, checkpoint?.seq ?? -1, closed);
    await this.twins.saveCycles(cellId, closed);
    return rt;
  }

  private newRuntime(cell: CellConfig): CellRuntime {
    return {
      config: { cellId: cell.id, nominalCapacityAh: cell.nominalCapacityAh, initialSoc: cell.initialSoc },
      plugin: this.models.pluginFor(cell),
      state: null,
      // Cells that start together would checkpoint together, every CHECKPOINT_EVERY_SAMPLES, in
      // bursts that held the database and the twin queue for 50-100 ms; a random start spreads them.
      appliedSinceCheckpoint: Math.floor(Math.random() * this.appConfig.checkpointEverySamples),
      latestDirty: false,
      latestSavedAtMs: performance.now() - Math.random() * LATEST_EVERY_MS,
      syncedAtStamp: this.commitStamp,
    };
  }

  private async recompute(rt: CellRuntime, lateSeq: number, closed: CycleSummary[]): Promise<void> {
    const cellId = rt.config.cellId;
    await this.persist();
    await this.twins.dropCheckpointsFrom(cellId, lateSeq);
    const checkpoint = await this.twins.checkpointBefore(cellId, lateSeq);
    // Recompute off to the side so readers never see the twin rewound half-way.
    const scratch: CellRuntime = {
      ...rt,
      state: checkpoint?.state ?? null,
      appliedSinceCheckpoint: 0,
      syncedAtStamp: this.commitStamp,
    };
    await this.replayFrom(scratch, cellId, checkpoint?.seq ?? -1, closed);
    rt.state = scratch.state;
    rt.appliedSinceCheckpoint = scratch.appliedSinceCheckpoint;
    rt.syncedAtStamp = scratch.syncedAtStamp;
    rt.latestDirty = true;
  }

  private async replayFrom(
    rt: CellRuntime,
    cellId: string,
    afterSeq: number,
    closed: CycleSummary[],
  ): Promise<void> {
    let cursor = afterSeq;
    for (;;) {
      const page = await this.samples.readAfter(cellId, cursor, REPLAY_PAGE);
      for (const sample of page) this.step(rt, sample, closed);
      if (page.length < REPLAY_PAGE) return;
      cursor = page[page.length - 1].seq;
    }
  }

  private step(rt: CellRuntime, sample: SamplePoint, closed: CycleSummary[], withOutputs = true): void {
    const result = stepCellTwin(rt.config, rt.state, sample, rt.plugin, withOutputs);
    rt.state = result.state;
    rt.appliedSinceCheckpoint += 1;
    rt.latestDirty = true;
    if (result.closedCycle) closed.push(summarizeCycle(result.closedCycle));
  }

  private async flush(withCheckpoints = false): Promise<void> {
    const latest: { cellId: string; seq: number; payload: TwinStatePayload }[] = [];
    const now = performance.now();
    for (const [cellId, pending] of this.runtimes) {
      const rt = await pending.catch(() => null);
      if (!rt?.state) continue;
      const due = withCheckpoints || now - rt.latestSavedAtMs >= LATEST_EVERY_MS;
      if (rt.latestDirty && due) {
        latest.push({ cellId, seq: rt.state.last.seq, payload: twinPayload(cellId, rt.state) });
        rt.latestDirty = false;
        rt.latestSavedAtMs = now;
      }
      if (withCheckpoints && rt.appliedSinceCheckpoint > 0) this.queueCheckpoint(cellId, rt);
    }
    await this.twins.saveLatest(latest);
    await this.persist();
  }
}
