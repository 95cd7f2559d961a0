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
import { eisObservations } from '../alerts/eis-observations';
import type { StoredSpectrum } from '../eis/spectra.repository';
import { cellCursor, PagedCursor, type PageDecoder } from './cell-cursor';
import { ReplayAlerts } from './replay-alerts.adapter';
import { ReplayPacer, type ReplaySpeed } from './replay-pacer';
import { ReplaySpectra, type ReplaySpectrum, type SpectrumKey } from './replay-spectra.adapter';
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
export type ReplaySpectrumPayload = StoredSpectrum & { replayId: string };

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
  page(cellId: string, afterSeq: number, toMs: number | null, limit: number): Promise<PageDecoder>;
  /** Stored spectra of the replay's cells in (ts, id) order. */
  spectraPage(
    cellIds: readonly string[],
    after: SpectrumKey,
    toMs: number | null,
    limit: number,
  ): Promise<PageDecoder<ReplaySpectrum>>;
  pluginFor(cell: CellConfig): TwinModelPlugin | null;
  sendTwin(payload: ReplayTwinPayload): void;
  sendAlert(payload: ReplayAlertPayload): void;
  sendSpectrum(payload: ReplaySpectrumPayload): void;
  sendProgress(payload: ReplayProgressPayload): void;
  /** Gives the event loop back after `workMs` of replay work; waits longer while live ingest is busy. */
  yieldSlice(workMs: number): Promise<void>;
  now(): number;
}

interface CellRuntime {
  cell: CellConfig;
  config: CellTwinConfig;
  plugin: TwinModelPlugin | null;
  state: CellTwinState | null;
  recorded: CellTwinState[];
  /** State right after each replayed spectrum (only with `recordStates`). */
  recordedSpectra: { spectrumId: number; state: CellTwinState }[];
}

/** Live contract: at most 10 twin states per cell per second. */
const THROTTLE_WINDOW_MS = 100;
const SLICE_MS = 8;
const TICK_MS = 25;
const PROGRESS_EVERY_MS = 1000;
/** Rows held per cell ≤ 2 pages; pages shrink as cells grow so a campaign's buffers stay bounded. */
const MAX_BUFFERED_ROWS = 200_000;
/** Spectra carry ~100 impedance points each: small pages. */
const SPECTRA_PAGE = 100;

type SliceOutcome = 'done' | 'io' | 'budget' | 'paused' | number;

/**
 * One replay: a k-way merge of the campaign's cells' stored samples and spectra by timestamp, each
 * sample stepped through `stepCellTwin` with the cell's model plugin (the live twin's code) and each
 * spectrum fitted and folded into the model (the live EIS processing) on private state, paced to
 * `speed`, with throttled `twin`, `spectrum`, `alert` and `replay.progress` output. At equal
 * timestamps samples come before spectra. Work runs in slices of a few ms between which the event
 * loop is free, so live ingest keeps flowing.
 */
export class ReplayRun {
  state: ReplayStateName = 'queued';
  error: string | null = null;
  private cells: CellRuntime[] = [];
  private cursors: PagedCursor<SamplePoint, number>[] = [];
  private spectraCursor!: PagedCursor<ReplaySpectrum, SpectrumKey>;
  /** cursors, then the spectra cursor: the merge's source indexes. */
  private sources: { wait(): Promise<void>; close(): void }[] = [];
  private cellIndex = new Map<string, number>();
  private spectra!: ReplaySpectra;
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
      this.sources.forEach((c) => c.close());
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

  /** The twin state right after each spectrum of `cellId` (only with `recordStates`). */
  recordedSpectra(cellId: string): readonly { spectrumId: number; state: CellTwinState }[] {
    return this.cells.find((c) => c.cell.id === cellId)?.recordedSpectra ?? [];
  }

  finalState(cellId: string): CellTwinState | null {
    return this.cells.find((c) => c.cell.id === cellId)?.state ?? null;
  }

  private reset(): void {
    this.sources.forEach((c) => c.close());
    this.cells = this.plan.cells.map((cell) => ({
      cell,
      config: { cellId: cell.id, nominalCapacityAh: cell.nominalCapacityAh, initialSoc: cell.initialSoc },
      plugin: this.io.pluginFor(cell),
      state: null,
      recorded: [],
      recordedSpectra: [],
    }));
    this.cellIndex = new Map(this.plan.cells.map((c, i) => [c.id, i]));
    const toMs = this.plan.toMs;
    this.cursors = this.plan.cells.map((cell) =>
      cellCursor((after, limit) => this.io.page(cell.id, after, toMs, limit), this.pageSize),
    );
    const cellIds = this.plan.cells.map((c) => c.id);
    this.spectraCursor = new PagedCursor<ReplaySpectrum, SpectrumKey>(
      (after, limit) => this.io.spectraPage(cellIds, after, toMs, limit),
      (s) => ({ tsKey: s.tsKey, id: s.id }),
      SPECTRA_PAGE,
      null,
    );
    this.sources = [...this.cursors, this.spectraCursor];
    // The spectra source comes last, so at equal timestamps the samples are stepped first.
    this.merge = new KWayMerge([...this.cursors, this.spectraCursor]);
    this.spectra = new ReplaySpectra(this.plan.cells.map((c) => c.electrodeAreaCm2));
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
    // Work done since the last rest, measured (slices overrun, page decoding and GC land in them):
    // the governor sizes the rest from what was really used, not from the nominal slice.
    let workMs = 0;
    for (;;) {
      if (this.cancelRequested) return;
      if (this.resetRequested) this.reset();
      const startedMs = this.io.now();
      const outcome = this.slice();
      workMs += this.io.now() - startedMs;
      if (outcome === 'done') return;
      if (outcome === 'io') {
        await this.sources[this.merge.blockedOn].wait();
        if (workMs < SLICE_MS) continue;
      } else if (outcome === 'paused') {
        await this.sleep(null);
      } else if (outcome !== 'budget') {
        await this.sleep(outcome);
      }
      if (outcome === 'io' || outcome === 'budget') await this.io.yieldSlice(workMs);
      workMs = 0;
    }
  }

  /** Steps samples for up to SLICE_MS; returns why it stopped (a number = ms to wait for pacing). */
  private slice(): SliceOutcome {
    let nowMs = this.io.now();
    const deadline = nowMs + SLICE_MS;
    const fromMs = this.plan.fromMs;
    const spectraSource = this.cursors.length;
    let n = 0;
    for (;;) {
      const pick = this.merge.pick();
      if (pick === 'eof') return 'done';
      if (pick === 'io') return 'io';
      const tsMs = pick === spectraSource ? this.spectraCursor.headTsMs() : this.cursors[pick].headTsMs();
      const inWindow = fromMs === null || tsMs >= fromMs;
      let silent = !inWindow;
      if (inWindow && this.seekTarget !== null) {
        if (tsMs < this.seekTarget) silent = true;
        else {
          this.seekTarget = null;
          this.pacer.reset();
        }
      }
      if (!silent) {
        if (this.state === 'paused') return 'paused';
        const delay = this.pacer.delayMs(tsMs, nowMs);
        if (delay > 0) return delay;
      }
      if (pick === spectraSource) {
        const spectrum = this.spectraCursor.head();
        this.spectraCursor.advance();
        this.merge.advanced();
        this.applySpectrum(spectrum, inWindow, silent, nowMs);
        // A fit costs milliseconds: look at the clock after each one.
        n = 127;
      } else {
        const cursor = this.cursors[pick];
        const sample = cursor.head();
        cursor.advance();
        this.merge.advanced();
        this.step(pick, sample, inWindow, silent, nowMs);
      }
      if ((++n & 127) === 0) {
        nowMs = this.io.now();
        if (nowMs >= deadline) return 'budget';
        if (this.cancelRequested || this.resetRequested) return 'budget';
      }
    }
  }

  /**
   * One stored spectrum through the live EIS processing on this replay's twin: fit, calibration,
   * then the EIS alert observations on the calibrated state, like EisAlertsBridge.
   */
  private applySpectrum(spectrum: ReplaySpectrum, inWindow: boolean, silent: boolean, nowMs: number): void {
    const i = this.cellIndex.get(spectrum.cellId);
    if (i === undefined) return;
    const rt = this.cells[i];
    const done = this.spectra.process(i, spectrum, rt);
    if (this.plan.recordStates && done.calibrated && rt.state) {
      rt.recordedSpectra.push({ spectrumId: spectrum.id, state: structuredClone(rt.state) });
    }
    // Like samples, spectra before the window only bring the twin up to date.
    if (!inWindow) return;
    if (this.alerts && done.measured && rt.state) {
      const payload = twinPayload(rt.cell.id, rt.state) as unknown as Record<string, unknown>;
      this.onAlerts(i, this.alerts.observe(i, rt.state, eisObservations(done.measured, payload)), silent);
    }
    if (silent) return;
    this.io.sendSpectrum({ ...done.view, replayId: this.id });
    if (done.calibrated && this.throttle.offer(i, nowMs)) this.emitTwin(i);
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
