import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { AlertConfigError, createAlertEvaluator, defaultAlertRules, type AlertRule } from '@twin/alerts';
import type { CellConfig } from '@twin/contracts';
import { InterfaceModelInputError } from '@twin/interface-model';
import type { Subscription } from 'rxjs';
import { CellsService } from '../cells/cells.service';
import { IngestService } from '../ingest/ingest.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { LiveGateway } from '../live/live.gateway';
import { replayRoom } from '../live/live-events';
import { TwinModelRegistry } from '../twin/twin-model.registry';
import { TwinService } from '../twin/twin.service';
import { CampaignsService } from './campaigns.service';
import { compareCells, replaySide } from './compare-summaries';
import type { CreateReplayInput } from './replay.dto';
import { ReplayGovernor } from './replay-governor';
import { overriddenCell } from './replay-overrides';
import { ReplayRun, type ReplayProgress } from './replay-run';
import { ReplaySamplesRepository } from './replay-samples.repository';
import type { CellSummary } from './replay-summary';
import { REPLAYS_CONFIG, type ReplaysConfig } from './replays-config';
import { ReplaysRepository, type ReplayStateName } from './replays.repository';

export interface ReplayView {
  id: string;
  state: ReplayStateName;
  progress: ReplayProgress;
  error?: string | null;
}

/** Finished runs kept in memory (for recorded states and cheap reads) before only the database has them. */
const KEEP_FINISHED = 16;

/**
 * Owns replays in this process: validation, the queue (at most `maxRunning` stepping at once),
 * control, and persistence of state and summaries. Replays read stored samples only and write
 * only the replay tables; live twin state, live rooms and live alerts are never touched.
 */
@Injectable()
export class ReplaysService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('replays');
  private readonly active = new Map<string, ReplayRun>();
  private readonly queue: ReplayRun[] = [];
  private readonly finished = new Map<string, ReplayRun>();
  private readonly done = new Map<string, Promise<void>>();
  private readonly governor: ReplayGovernor;
  private running = 0;
  private liveSub: Subscription | null = null;

  constructor(
    @Inject(REPLAYS_CONFIG) private readonly config: ReplaysConfig,
    private readonly samples: ReplaySamplesRepository,
    private readonly replays: ReplaysRepository,
    private readonly campaigns: CampaignsService,
    private readonly cells: CellsService,
    private readonly models: TwinModelRegistry,
    private readonly gateway: LiveGateway,
    private readonly twin: TwinService,
    private readonly ingest: IngestService,
  ) {
    this.governor = new ReplayGovernor(
      config.liveShare,
      () => this.running,
      () => {
        const depth = this.ingest.queueDepth;
        return depth.pendingRows + depth.twinRows > 0;
      },
    );
  }

  async onModuleInit(): Promise<void> {
    const interrupted = await this.replays.failInterrupted();
    if (interrupted > 0)
      this.logger.warn(`${interrupted} replay(s) interrupted by the restart marked failed`);
    this.liveSub = this.twin.applied$.subscribe(() => this.governor.noteLive());
    this.gateway.useReplayLookup((id) => this.active.has(id) || this.finished.has(id));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.liveSub?.unsubscribe();
    const pending = [...this.active.values()];
    pending.forEach((r) => r.cancel());
    await Promise.all(pending.map((r) => this.done.get(r.id)));
  }

  async create(input: CreateReplayInput): Promise<{ replayId: string }> {
    if (this.queue.length >= this.config.maxQueued && this.running >= this.config.maxRunning) {
      throw new DomainError(
        ErrorCode.RateLimited,
        `${this.running} replays running and ${this.queue.length} queued; try again later`,
        [{ field: 'replay', reason: 'queue full' }],
        30,
      );
    }
    const campaign = input.campaignId ? await this.campaigns.require(input.campaignId) : null;
    const cellIds = campaign ? campaign.cellIds : [...new Set(input.cellIds!)];
    if (cellIds.length === 0) {
      throw DomainError.validation([{ field: 'campaignId', reason: 'campaign has no cells' }]);
    }
    const cells: CellConfig[] = [];
    for (const [i, id] of cellIds.entries()) {
      const cell = await this.cells.find(id);
      if (!cell) {
        throw DomainError.validation([
          { field: campaign ? 'campaignId' : `cellIds.${i}`, reason: `unknown cell ${id}` },
        ]);
      }
      cells.push(this.checkedOverride(cell, input));
    }
    const alertRules = this.alertRules(input.alertRules);
    const fromMs = input.from ?? null;
    const toMs = input.to ?? null;
    const extent = await this.samples.extent(cellIds, fromMs, toMs);
    const id = `rp_${randomBytes(6).toString('hex')}`;
    const run = new ReplayRun(
      {
        id,
        cells,
        campaignId: campaign?.id ?? null,
        fromMs,
        toMs,
        speed: input.speed,
        alertRules,
        recordStates: input.recordStates,
        pageRows: this.config.pageRows,
        totalSamples: extent.total,
        lastTsMs: extent.lastMs,
      },
      {
        page: (cellId, afterSeq, to, limit) => this.samples.page(cellId, afterSeq, to, limit),
        spectraPage: (ids, after, to, limit) => this.samples.spectraPage(ids, after, to, limit),
        pluginFor: (cell) => this.models.pluginFor(cell),
        sendTwin: (p) => this.gateway.clientSend('twin', replayRoom(id), p),
        sendAlert: (p) => this.gateway.clientSend('alert', replayRoom(id), p),
        sendSpectrum: (p) => this.gateway.clientSend('spectrum', replayRoom(id), p),
        sendProgress: (p) => this.gateway.clientSend('replay.progress', replayRoom(id), p),
        yieldSlice: (ms) => this.governor.yieldSlice(ms),
        now: () => performance.now(),
      },
    );
    await this.replays.insert(
      id,
      {
        campaignId: campaign?.id ?? null,
        cellIds,
        from: fromMs === null ? null : new Date(fromMs).toISOString(),
        to: toMs === null ? null : new Date(toMs).toISOString(),
        speed: input.speed,
        overrides: input.overrides ?? null,
        alertRules: typeof input.alertRules === 'string' ? input.alertRules : 'custom',
      },
      cellIds,
    );
    this.active.set(id, run);
    this.queue.push(run);
    this.schedule();
    return { replayId: id };
  }

  /** Applies the overrides and builds the model once, so a bad material or parameter is a 400 now. */
  private checkedOverride(cell: CellConfig, input: CreateReplayInput): CellConfig {
    const overridden = overriddenCell(cell, input.overrides);
    try {
      this.models.pluginFor(overridden);
    } catch (error) {
      if (error instanceof InterfaceModelInputError) {
        throw DomainError.validation(
          [{ field: `overrides.${error.field}`, reason: `${error.reason} (cell ${cell.id})` }],
          'invalid overrides',
        );
      }
      throw error;
    }
    return overridden;
  }

  private alertRules(choice: CreateReplayInput['alertRules']): AlertRule[] | null {
    if (choice === 'none') return null;
    if (choice === 'default') return defaultAlertRules();
    const rules = choice as unknown as AlertRule[];
    try {
      createAlertEvaluator(rules);
    } catch (error) {
      if (error instanceof AlertConfigError) {
        throw DomainError.validation([{ field: 'alertRules', reason: error.message }], 'invalid alert rules');
      }
      throw error;
    }
    return rules;
  }

  private schedule(): void {
    while (this.running < this.config.maxRunning && this.queue.length > 0) {
      const run = this.queue.shift()!;
      if (run.state === 'cancelled') {
        void this.settle(run);
        continue;
      }
      this.running++;
      const finished = (async () => {
        await this.replays.updateState(run.id, 'running', this.progressOf(run));
        await run.run();
      })()
        .catch((error: Error) => {
          run.state = 'failed';
          run.error = error.message;
        })
        .finally(() => {
          this.running--;
          this.schedule();
          return this.settle(run);
        });
      this.done.set(run.id, finished);
    }
  }

  private progressOf(run: ReplayRun) {
    const p = run.progress();
    return { fraction: p.fraction, simulatedTs: p.simulatedTs, samplesPerSec: p.samplesPerSec };
  }

  /** Persists the end state and summary, then keeps the run briefly in memory. */
  private async settle(run: ReplayRun): Promise<void> {
    try {
      await this.replays.saveSummary(run.id, run.summaryNow());
      await this.replays.updateState(run.id, run.state, this.progressOf(run), run.error);
    } catch (error) {
      this.logger.warn(`replay ${run.id}: could not persist its end: ${(error as Error).message}`);
    }
    this.active.delete(run.id);
    this.done.delete(run.id);
    this.finished.set(run.id, run);
    if (this.finished.size > KEEP_FINISHED) this.finished.delete(this.finished.keys().next().value!);
  }

  private view(run: ReplayRun): ReplayView {
    return {
      id: run.id,
      state: run.state,
      progress: run.progress(),
      ...(run.error ? { error: run.error } : {}),
    };
  }

  async get(id: string): Promise<ReplayView> {
    const run = this.active.get(id) ?? this.finished.get(id);
    if (run) return this.view(run);
    const stored = await this.replays.get(id);
    if (!stored) throw DomainError.notFound(`replay ${id}`);
    return {
      id,
      state: stored.state,
      progress: {
        fraction: stored.fraction,
        simulatedTs: stored.simulatedTs,
        samplesPerSec: stored.samplesPerSec,
        etaSeconds: stored.state === 'finished' ? 0 : null,
      },
      ...(stored.error ? { error: stored.error } : {}),
    };
  }

  private async control(id: string): Promise<ReplayRun> {
    const run = this.active.get(id);
    if (run) return run;
    const ended = this.finished.get(id) ?? (await this.replays.get(id));
    if (!ended) throw DomainError.notFound(`replay ${id}`);
    throw new DomainError(ErrorCode.Conflict, `replay ${id} has ended (${ended.state})`, [
      { field: 'id', reason: `replay is ${ended.state}` },
    ]);
  }

  async pause(id: string): Promise<ReplayView> {
    const run = await this.control(id);
    if (run.state !== 'running') throw this.wrongState(run, 'pause', 'running');
    run.pause();
    await this.replays.updateState(id, 'paused', this.progressOf(run));
    return this.view(run);
  }

  async resume(id: string): Promise<ReplayView> {
    const run = await this.control(id);
    if (run.state !== 'paused') throw this.wrongState(run, 'resume', 'paused');
    run.resume();
    await this.replays.updateState(id, 'running', this.progressOf(run));
    return this.view(run);
  }

  async cancel(id: string): Promise<ReplayView> {
    const run = await this.control(id);
    run.cancel();
    const idx = this.queue.indexOf(run);
    if (idx >= 0) {
      this.queue.splice(idx, 1);
      await this.settle(run);
    } else {
      await this.done.get(id);
    }
    return this.view(run);
  }

  async seek(id: string, tsMs: number): Promise<ReplayView> {
    const run = await this.control(id);
    run.seek(tsMs);
    return this.view(run);
  }

  private wrongState(run: ReplayRun, action: string, needed: string): DomainError {
    return new DomainError(ErrorCode.Conflict, `cannot ${action} a ${run.state} replay`, [
      { field: 'state', reason: `must be ${needed}` },
    ]);
  }

  async summary(id: string): Promise<{ id: string; state: ReplayStateName; cells: CellSummary[] }> {
    const run = this.active.get(id);
    if (run) return { id, state: run.state, cells: run.summaryNow() };
    const stored = await this.replays.get(id);
    if (!stored) throw DomainError.notFound(`replay ${id}`);
    return { id, state: stored.state, cells: await this.replays.summary(id, stored.cellIds) };
  }

  async compare(a: string, b: string) {
    const [sa, sb] = await Promise.all([this.summary(a), this.summary(b)]);
    const [ra, rb] = await Promise.all([this.replays.get(a), this.replays.get(b)]);
    return {
      a: replaySide(a, sa.state, ra?.request.overrides ?? null, sa.cells),
      b: replaySide(b, sb.state, rb?.request.overrides ?? null, sb.cells),
      cells: compareCells(sa.cells, sb.cells),
    };
  }

  /** The in-memory run (tests read recorded states through it). */
  runOf(id: string): ReplayRun | undefined {
    return this.active.get(id) ?? this.finished.get(id);
  }

  /** Resolves when the replay has ended and its end is persisted (tests). */
  async whenDone(id: string): Promise<void> {
    await this.done.get(id);
  }
}
