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
  twinPayload,
  type CellTwinConfig,
  type CellTwinState,
  type TwinModelPlugin,
} from '@twin/twin';
import { Subject } from 'rxjs';
import { CellsRepository } from '../cells/cells.repository';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SamplesRepository } from '../samples/samples.repository';
import { TwinModelRegistry } from './twin-model.registry';
import { TwinRepository } from './twin.repository';

interface CellRuntime {
  config: CellTwinConfig;
  plugin: TwinModelPlugin | null;
  state: CellTwinState | null;
  appliedSinceCheckpoint: number;
  latestDirty: boolean;
}

const REPLAY_PAGE = 20_000;
const FLUSH_INTERVAL_MS = 1_000;

/**
 * Owns each cell's twin in this process: applies committed samples in seq order, recomputes from
 * the last checkpoint before a late sample, checkpoints to the database so a restarted service
 * resumes exactly, and publishes every new state on `states$` (throttling is the live layer's job).
 */
@Injectable()
export class TwinService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('twin');
  private readonly runtimes = new Map<string, Promise<CellRuntime>>();
  private flushTimer: NodeJS.Timeout | null = null;
  readonly states$ = new Subject<TwinStatePayload>();
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
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(
      () => void this.flush().catch((e: Error) => this.logger.warn(e.message)),
      FLUSH_INTERVAL_MS,
    );
    this.flushTimer.unref();
  }

  /** Brings every known cell's twin up to its committed samples (after a restart or crash). */
  async recoverAll(): Promise<void> {
    for (const cell of await this.cells.list()) await this.runtime(cell.id);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await this.flush(true);
    this.states$.complete();
    this.applied$.complete();
    this.cycleClosed$.complete();
  }

  /** Applies newly committed samples of one cell (any order; the twin sorts out late ones). */
  async apply(cellId: string, committed: SamplePoint[]): Promise<void> {
    if (committed.length === 0) return;
    // A runtime loaded now replays every committed row, these included: nothing left to step.
    const fresh = !this.runtimes.has(cellId);
    let rt: CellRuntime;
    try {
      rt = await this.runtime(cellId);
    } catch (error) {
      this.runtimes.delete(cellId);
      throw error;
    }
    if (fresh) {
      if (rt.state) {
        // Signal extractors still see these samples once, as if stepped now (the load included them).
        const sorted = [...committed].sort((a, b) => a.seq - b.seq);
        this.applied$.next({ cellId, samples: sorted, state: rt.state, recomputed: false });
        this.states$.next(twinPayload(cellId, rt.state));
      }
      return;
    }
    const sorted = [...committed].sort((a, b) => a.seq - b.seq);
    const closed: CycleSummary[] = [];
    const recomputed = rt.state !== null && sorted[0].seq < rt.state.last.seq;
    if (recomputed) {
      await this.recompute(rt, sorted[0].seq, closed);
    } else {
      for (const sample of sorted) this.step(rt, sample, closed);
    }
    await this.twins.saveCycles(cellId, closed);
    if (rt.state) this.applied$.next({ cellId, samples: sorted, state: rt.state, recomputed });
    for (const cycle of closed) this.cycleClosed$.next({ cellId, cycle });
    if (rt.appliedSinceCheckpoint >= this.appConfig.checkpointEverySamples && rt.state) {
      await this.twins.saveCheckpoint(cellId, rt.state.last.seq, rt.state);
      rt.appliedSinceCheckpoint = 0;
    }
    if (rt.state) this.states$.next(twinPayload(cellId, rt.state));
  }

  /**
   * A measured interface resistance reaches the model (EIS fit or pulse estimate). It runs on the
   * caller's turn, between sample batches, and is checkpointed with the state like everything else.
   */
  async calibrate(
    cellId: string,
    measuredInterfaceResistanceOhmCm2: number,
  ): Promise<Record<string, unknown> | null> {
    const rt = await this.runtime(cellId);
    if (!rt.state || !rt.plugin?.calibrate) return null;
    const { state, outputs } = rt.plugin.calibrate(rt.state.model, measuredInterfaceResistanceOhmCm2);
    rt.state = { ...rt.state, model: state, outputs: { ...rt.state.outputs, ...outputs } };
    rt.latestDirty = true;
    this.states$.next(twinPayload(cellId, rt.state));
    return outputs;
  }

  async current(cellId: string): Promise<TwinStatePayload | null> {
    const rt = await this.runtime(cellId);
    return rt.state ? twinPayload(cellId, rt.state) : null;
  }

  /** Closed cycles from the database plus the one still running. */
  async cycles(cellId: string): Promise<CycleSummary[]> {
    const rt = await this.runtime(cellId);
    const stored = await this.twins.cycles(cellId);
    const open = rt.state?.cycles.open;
    if (!open) return stored;
    return [...stored.filter((c) => c.index !== open.index), summarizeCycle(open)].sort(
      (a, b) => a.index - b.index,
    );
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
      appliedSinceCheckpoint: 0,
      latestDirty: false,
    };
  }

  private async recompute(rt: CellRuntime, lateSeq: number, closed: CycleSummary[]): Promise<void> {
    const cellId = rt.config.cellId;
    await this.twins.dropCheckpointsFrom(cellId, lateSeq);
    const checkpoint = await this.twins.checkpointBefore(cellId, lateSeq);
    // Recompute off to the side so readers never see the twin rewound half-way.
    const scratch: CellRuntime = { ...rt, state: checkpoint?.state ?? null, appliedSinceCheckpoint: 0 };
    await this.replayFrom(scratch, cellId, checkpoint?.seq ?? -1, closed);
    rt.state = scratch.state;
    rt.appliedSinceCheckpoint = scratch.appliedSinceCheckpoint;
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

  private step(rt: CellRuntime, sample: SamplePoint, closed: CycleSummary[]): void {
    const result = stepCellTwin(rt.config, rt.state, sample, rt.plugin);
    rt.state = result.state;
    rt.appliedSinceCheckpoint += 1;
    rt.latestDirty = true;
    if (result.closedCycle) closed.push(summarizeCycle(result.closedCycle));
  }

  private async flush(withCheckpoints = false): Promise<void> {
    const latest: { cellId: string; seq: number; payload: TwinStatePayload }[] = [];
    for (const [cellId, pending] of this.runtimes) {
      const rt = await pending.catch(() => null);
      if (!rt?.state) continue;
      if (rt.latestDirty) {
        latest.push({ cellId, seq: rt.state.last.seq, payload: twinPayload(cellId, rt.state) });
        rt.latestDirty = false;
      }
      if (withCheckpoints && rt.appliedSinceCheckpoint > 0) {
        await this.twins.saveCheckpoint(cellId, rt.state.last.seq, rt.state);
        rt.appliedSinceCheckpoint = 0;
      }
    }
    await this.twins.saveLatest(latest);
  }
}
