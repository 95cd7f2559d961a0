import type { AlertEvent, AlertRule } from '@twin/alerts';
import type { AlertView, CellConfig, SamplePoint, TwinStatePayload } from '@twin/contracts';
import {
  stepCellTwin,
  summarizeCycle,
  twinPayload,
  type CellTwinConfig,
  type CellTwinState,
  type TwinModelPlugin,
} from '@twin/twin';
import { CellCursor } from './cell-cursor';
import { ReplayAlerts } from './replay-alerts.adapter';
import { ReplayPacer, type ReplaySpeed } from './replay-pacer';
import { ReplaySummaryBuilder, type CellSummary } from './replay-summary';
import { TrailingThrottle } from './replay-throttle';
import type { ReplayStateName } from './replays.repository';
import { KWayMerge } from './sample-merge';

export interface ReplayProgress {
  fraction: number;
  simulatedTs: string | null;
  samplesPerSec: number | null;
  etaSeconds: number | null;
}

export type ReplayTwinPayload = TwinStatePayload & { replayId: string };
export type ReplayAlertPayload = AlertView & { replayId: string };
export type ReplayProgressPayload = ReplayProgress & { replayId: string };

export interface ReplayPlan {
  id: string;
  /** Cell configs with the replay's overrides applied. */
  cells: CellConfig[];
  campaignId: string | null;
  /** Samples before `fromMs` only bring the twin up to date: no pacing, summary, alerts or output. */
  fromMs: number | null;
  toMs: number | null;
  speed: ReplaySpeed;
  /** null = no alert evaluation. */
  alertRules: AlertRule[] | null;
  /** Keep every per-sample twin state in memory (tests and debugging; costs memory). */
  recordStates: boolean;
  /** Rows per page and cell (shrunk for large campaigns so buffers stay bounded). */
  pageRows: number;
  /** Samples to step before `toMs`, for the progress fraction. */
  totalSamples: number;
  lastTsMs: number | null;
}

/** What a run needs from the outside world; the service wires it to repositories and the gateway. */
export interface ReplayIo {
  page(cellId: string, afterSeq: number, toMs: number | null, limit: number): Promise<SamplePoint[]>;
  pluginFor(cell: CellConfig): TwinModelPlugin | null;
  sendTwin(payload: ReplayTwinPayload): void;
  sendAlert(payload: ReplayAlertPayload): void;
  sendProgress(payload: ReplayProgressPayload): void;
  /** Gives the event loop back between slices; may wait longer while live ingest is busy. */
  yieldSlice(sliceMs: number): Promise<void>;
  now(): number;
}

interface CellRuntime {
  cell: CellConfig;
  config: CellTwinConfig;
  plugin: TwinModelPlugin | null;
  state: CellTwinState | null;
  recorded: CellTwinState[];
}

/** Live contract: at most 10 twin states per cell per second. */
const THROTTLE_WINDOW_MS = 100;
const SLICE_MS = 8;
const TICK_MS = 25;
const PROGRESS_EVERY_MS = 1000;
/** Rows held per cell ≤ 2 pages; pages shrink as cells grow so a campaign's buffers stay bounded. */
const MAX_BUFFERED_ROWS = 200_000;

type SliceOutcome = 'done' | 'io' | 'budget' | 'paused' | number;

/**
 * One replay: a k-way merge of the campaign's cells' stored samples by timestamp, each sample
 * stepped through `stepCellTwin` with the cell's model plugin (the live twin's code) on private
 * state, paced to `speed`, with throttled `twin`, `alert` and `replay.progress` output. Work runs
 * in slices of a few ms between which the event loop is free, so live ingest keeps flowing.
 */
export class ReplayRun {
  state: ReplayStateName = 'queued';
  error: string | null = null;
  private cells: CellRuntime[] = [];
  private cursors: CellCursor[] = [];
  private merge!: KWayMerge;
  private summary!: ReplaySummaryBuilder;
  private alerts: ReplayAlerts | null = null;
  private readonly throttle: TrailingThrottle;
  private readonly pacer: ReplayPacer;
  private readonly pageSize: number;
  private stepped = 0;
  private lastTsMs: number | null = null;
  private seekTarget: number | null = null;
  private resetRequested = false;
  private cancelRequested = false;
  private simAtPauseMs: number | null = null;
  private wakeUp: (() => void) | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private lastProgressMs = 0;
  private rate: number | null = null;
  private rateMark = { atMs: 0, stepped: 0 };
  private activeMs = 0;
  private activeSinceMs: number | null = null;

  constructor(
    readonly plan: ReplayPlan,
    private readonly io: ReplayIo,
  ) {
    this.throttle = new TrailingThrottle(plan.cells.length, THROTTLE_WINDOW_MS);
    this.pacer = new ReplayPacer(plan.speed);
    this.pageSize = Math.max(
      100,
      Math.min(plan.pageRows, Math.floor(MAX_BUFFERED_ROWS / 2 / Math.max(1, plan.cells.length))),
    );
  }

  get id(): string {
    return this.plan.id;
  }

  /** Runs to the end (or cancel/failure); never rejects. */
  async run(): Promise<void> {
    if (this.cancelRequested) return;
    this.state = 'running';
    this.markActive(true);
    try {
      this.reset();
      this.startTicker();
      await this.loop();
      if (this.cancelRequested) {
        this.state = 'cancelled';
      } else {
        this.finish();
        this.state = 'finished';
      }
    } catch (error) {
      this.state = 'failed';
      this.error = (error as Error).message;
    } finally {
      this.stopTicker();
      this.markActive(false);
      this.cursors.forEach((c) => c.close());
    }
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.stopTicker();
    this.simAtPauseMs = this.pacer.simulatedMs(this.io.now());
    this.markActive(false);
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    if (this.simAtPauseMs !== null) this.pacer.anchor(this.simAtPauseMs, this.io.now());
    this.simAtPauseMs = null;
    this.markActive(true);
    this.startTicker();
    this.wake();
  }

  cancel(): void {
    this.cancelRequested = true;
    if (this.state === 'queued') this.state = 'cancelled';
    this.wake();
  }

  /**
   * Jumps to `tsMs`: forwards by stepping silently up to it, backwards by restarting every cell's
   * twin from the first sample and stepping silently up to it (replay state is never rewound in
   * place, so a seek cannot leave the model in a state the live twin never had).
   */
  seek(tsMs: number): void {
    const target = this.plan.fromMs !== null ? Math.max(tsMs, this.plan.fromMs) : tsMs;
    if (this.lastTsMs !== null && target <= this.lastTsMs) this.resetRequested = true;
    this.seekTarget = target;
    // States from before the jump must not trail in after it.
    this.throttle.clear();
    this.wake();
  }

  progress(): ReplayProgress {
    const total = this.plan.totalSamples;
    const fraction = this.state === 'finished' ? 1 : total > 0 ? Math.min(1, this.stepped / total) : 0;
    let etaSeconds: number | null = null;
    if (this.state === 'finished') etaSeconds = 0;
    else if (this.plan.speed === 'max') {
      etaSeconds = this.rate ? (total - this.stepped) / this.rate : null;
    } else if (this.plan.lastTsMs !== null && this.lastTsMs !== null) {
      etaSeconds = Math.max(0, (this.plan.lastTsMs - this.lastTsMs) / this.plan.speed / 1000);
    }
    return {
      fraction,
      simulatedTs: this.lastTsMs === null ? null : new Date(this.lastTsMs).toISOString(),
      samplesPerSec: this.rate,
      etaSeconds,
    };
  }

  summaryNow(): CellSummary[] {
    return this.summary?.build() ?? this.plan.cells.map((c) => ({ cellId: c.id, cycles: [] }));
  }

  /** Every twin state the replay stepped for `cellId` in the window (only with `recordStates`). */
  recordedStates(cellId: string): readonly CellTwinState[] {
    return this.cells.find((c) => c.cell.id === cellId)?.recorded ?? [];
  }

  finalState(cellId: string): CellTwinState | null {
    return this.cells.find((c) => c.cell.id === cellId)?.state ?? null;
  }

  private reset(): void {
    this.cursors.forEach((c) => c.close());
    this.cells = this.plan.cells.map((cell) => ({
      cell,
      config: { cellId: cell.id, nominalCapacityAh: cell.nominalCapacityAh, initialSoc: cell.initialSoc },
      plugin: this.io.pluginFor(cell),
      state: null,
      recorded: [],
    }));
    const toMs = this.plan.toMs;
    this.cursors = this.plan.cells.map(
      (cell) => new CellCursor((after, limit) => this.io.page(cell.id, after, toMs, limit), this.pageSize),
    );
    this.merge = new KWayMerge(this.cursors);
    this.summary = new ReplaySummaryBuilder(this.plan.cells.map((c) => c.id));
    this.alerts = this.plan.alertRules
      ? new ReplayAlerts(this.plan.alertRules, this.plan.cells, this.plan.campaignId)
      : null;
    this.throttle.clear();
    this.pacer.reset();
    this.stepped = 0;
    this.lastTsMs = null;
    this.resetRequested = false;
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.cancelRequested) return;
      if (this.resetRequested) this.reset();
      const outcome = this.slice();
      if (outcome === 'done') return;
      if (outcome === 'io') await this.cursors[this.merge.blockedOn].wait();
      else if (outcome === 'budget') await this.io.yieldSlice(SLICE_MS);
      else if (outcome === 'paused') await this.sleep(null);
      else await this.sleep(outcome);
    }
  }

  /** Steps samples for up to SLICE_MS; returns why it stopped (a number = ms to wait for pacing). */
  private slice(): SliceOutcome {
    let nowMs = this.io.now();
    const deadline = nowMs + SLICE_MS;
    const fromMs = this.plan.fromMs;
    let n = 0;
    for (;;) {
      const pick = this.merge.pick();
      if (pick === 'eof') return 'done';
      if (pick === 'io') return 'io';
      const cursor = this.cursors[pick];
      const sample = cursor.head();
      const inWindow = fromMs === null || sample.tsMs >= fromMs;
      let silent = !inWindow;
      if (inWindow && this.seekTarget !== null) {
        if (sample.tsMs < this.seekTarget) silent = true;
        else {
          this.seekTarget = null;
          this.pacer.reset();
        }
      }
      if (!silent) {
        if (this.state === 'paused') return 'paused';
        const delay = this.pacer.delayMs(sample.tsMs, nowMs);
        if (delay > 0) return delay;
      }
      cursor.advance();
      this.merge.advanced();
      this.step(pick, sample, inWindow, silent, nowMs);
      if ((++n & 127) === 0) {
        nowMs = this.io.now();
        if (nowMs >= deadline) return 'budget';
        if (this.cancelRequested || this.resetRequested) return 'budget';
      }
    }
  }

  private step(i: number, sample: SamplePoint, inWindow: boolean, silent: boolean, nowMs: number): void {
    const rt = this.cells[i];
    const result = stepCellTwin(rt.config, rt.state, sample, rt.plugin);
    const state = result.state;
    rt.state = state;
    this.stepped++;
    this.lastTsMs = sample.tsMs;
    if (!inWindow) return;
    const closed = result.closedCycle ? summarizeCycle(result.closedCycle) : null;
    this.summary.addSample(i, state.cycles.open!.index, sample.tsMs, state.outputs);
    if (closed) this.summary.setCapacity(i, closed);
    // stepCellTwin advances the state object in place: a record needs its own copy.
    if (this.plan.recordStates) rt.recorded.push(structuredClone(state));
    if (this.alerts) {
      const events = this.alerts.offer(i, sample, state, closed);
      if (events !== null) this.onAlerts(i, events, silent);
    }
    if (!silent && this.throttle.offer(i, nowMs)) this.emitTwin(i);
  }

  private onAlerts(i: number, events: AlertEvent[], silent: boolean): void {
    for (const e of events) {
      this.summary.addAlert(i, e.cycle, e.type, e.ruleId, e.tsMs);
      if (!silent) this.io.sendAlert(this.alertView(e));
    }
  }

  private alertView(e: AlertEvent): ReplayAlertPayload {
    const resolved = e.type === 'resolve';
    return {
      id: `${this.id}:${e.ruleId}:${e.cellId}:${e.openedAtMs}`,
      cellId: e.cellId,
      ruleId: e.ruleId,
      signal: e.signal,
      detector: e.detector,
      severity: e.severity,
      state: resolved ? 'resolved' : 'open',
      value: e.value,
      baseline: e.baseline,
      cycle: e.cycle,
      soc: e.soc,
      regime: e.regime,
      openedAt: new Date(e.openedAtMs).toISOString(),
      acknowledgedAt: null,
      resolvedAt: resolved ? new Date(e.tsMs).toISOString() : null,
      resolvedBy: resolved ? (e.resolvedBy ?? 'auto') : null,
      detail: e.detail,
      replayId: this.id,
    };
  }

  private emitTwin(i: number): void {
    const rt = this.cells[i];
    if (rt.state) this.io.sendTwin({ ...twinPayload(rt.cell.id, rt.state), replayId: this.id });
  }

  private finish(): void {
    for (let i = 0; i < this.cells.length; i++) {
      const rt = this.cells[i];
      if (this.alerts) this.onAlerts(i, this.alerts.flushCell(i, rt.state), false);
      const open = rt.state?.cycles.open;
      if (open) this.summary.setCapacity(i, summarizeCycle(open));
    }
    this.seekTarget = null;
    this.throttle.flushAll(this.io.now(), (i) => this.emitTwin(i));
    this.measureRate(this.io.now(), true);
    this.state = 'finished';
    this.io.sendProgress({ ...this.progress(), replayId: this.id });
  }

  private startTicker(): void {
    if (this.ticker) return;
    this.rateMark = { atMs: this.io.now(), stepped: this.stepped };
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private tick(): void {
    const now = this.io.now();
    // A fast-forward spans several slices: the states it passes through are not to be shown.
    if (this.seekTarget === null) this.throttle.flushDue(now, (i) => this.emitTwin(i));
    if (now - this.lastProgressMs >= PROGRESS_EVERY_MS) {
      this.lastProgressMs = now;
      this.measureRate(now, false);
      this.io.sendProgress({ ...this.progress(), replayId: this.id });
    }
  }

  private measureRate(now: number, final: boolean): void {
    if (final) {
      const active = this.activeMs + (this.activeSinceMs !== null ? now - this.activeSinceMs : 0);
      if (this.plan.speed === 'max' && active > 0) this.rate = (this.stepped / active) * 1000;
      return;
    }
    const dt = now - this.rateMark.atMs;
    if (dt > 0) this.rate = ((this.stepped - this.rateMark.stepped) / dt) * 1000;
    this.rateMark = { atMs: now, stepped: this.stepped };
  }

  private markActive(on: boolean): void {
    const now = this.io.now();
    if (on && this.activeSinceMs === null) this.activeSinceMs = now;
    if (!on && this.activeSinceMs !== null) {
      this.activeMs += now - this.activeSinceMs;
      this.activeSinceMs = null;
    }
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Sleeps `ms` (null = until a control call), waking early on pause/resume/seek/cancel. */
  private sleep(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      if (ms !== null) timer = setTimeout(done, Math.max(1, Math.min(ms, 60_000)));
      this.wakeUp = done;
    });
  }
}
