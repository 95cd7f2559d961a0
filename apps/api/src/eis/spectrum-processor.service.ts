import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { CellConfig } from '@twin/contracts';
import { SOLID_STATE_CIRCUIT } from '@twin/eis';
import { concatMap, from, Subject, type Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CellsService } from '../cells/cells.service';
import { LiveGateway } from '../live/live.gateway';
import { CellOwnershipService } from '../ownership/cell-ownership.service';
import { cellRoom } from '../live/live-events';
import { TwinService } from '../twin/twin.service';
import { SpectraRepository, type StoredSpectrum } from './spectra.repository';
import { analyseSpectrum, measuredInterfaceOf, type MeasuredInterface } from './spectrum-analysis';

export type { MeasuredInterface } from './spectrum-analysis';

/** A claim this old is taken to be its instance's last act: another (the owner) may fit it. */
const CLAIM_STALE_MS = 60_000;
const CLAIM_BATCH = 20;

/**
 * After a spectrum is stored: Lin-KK check (a failing spectrum is stored and flagged, never fitted
 * silently), circuit fit warm-started from the cell's previous fit, the interface arc normalised by
 * electrode area as the twin's measured interface resistance, and a `spectrum` event with the fit.
 * One spectrum at a time: fits are CPU work and must not starve ingest.
 */
@Injectable()
export class SpectrumProcessorService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('eis');
  private readonly queue$ = new Subject<{ spectrum: StoredSpectrum; cell: CellConfig; circuit: string }>();
  private readonly subscription: Subscription;
  /** Other capabilities (alerts) listen for measured interface resistance here. */
  readonly measured$ = new Subject<MeasuredInterface>();
  /** Ids queued or being fitted here: the poll must not queue them twice. */
  private readonly queued = new Set<number>();
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly spectra: SpectraRepository,
    private readonly twin: TwinService,
    private readonly live: LiveGateway,
    private readonly ownership: CellOwnershipService,
    private readonly cells: CellsService,
  ) {
    this.subscription = this.queue$
      .pipe(
        concatMap((job) =>
          from(
            this.process(job.spectrum, job.cell, job.circuit)
              .catch((e: Error) => this.logger.warn(e.message))
              .finally(() => this.queued.delete(job.spectrum.id)),
          ),
        ),
      )
      .subscribe();
  }

  onModuleInit(): void {
    this.pollTimer = setInterval(() => void this.pollPending(), this.config.ownershipPollMs);
    this.pollTimer.unref();
  }

  enqueue(spectrum: StoredSpectrum, cell: CellConfig, circuit: string | undefined): void {
    this.queued.add(spectrum.id);
    this.queue$.next({ spectrum, cell, circuit: circuit ?? SOLID_STATE_CIRCUIT });
  }

  /**
   * Spectra of cells this instance owns that were stored elsewhere (or whose fitter died) are
   * fitted here, in time order, as the owner's twin is the one they calibrate.
   */
  async pollPending(): Promise<void> {
    if (this.polling || this.ownership.ownedCount === 0) return;
    this.polling = true;
    try {
      const claimed = await this.spectra.claimPending(
        this.ownership.instanceId,
        this.ownership.ownedCells(),
        CLAIM_STALE_MS,
        CLAIM_BATCH,
      );
      for (const { spectrum, circuit } of claimed) {
        if (this.queued.has(spectrum.id)) continue;
        const cell = await this.cells.require(spectrum.cellId);
        this.enqueue(spectrum, cell, circuit ?? undefined);
      }
    } catch (error) {
      this.logger.warn(`pending spectra: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  private async process(spectrum: StoredSpectrum, cell: CellConfig, circuit: string): Promise<void> {
    const previous = await this.spectra.lastFit(cell.id, circuit);
    const result = analyseSpectrum(spectrum.points, circuit, cell.electrodeAreaCm2, previous);
    if (result.status === 'fit-failed') {
      this.logger.warn(`fit of spectrum ${spectrum.id} failed: ${result.error}`);
    }
    const saved = await this.spectra.saveResult(
      spectrum.id,
      result.status,
      result.linKK,
      circuit,
      result.fit,
      result.arc,
    );
    const arc = result.arc;
    if (arc) {
      const calibration = await this.twin.calibrate(cell.id, arc.areaResistanceOhmCm2).catch(() => null);
      saved.interfaceArc = { ...arc, ...(calibration ?? {}) };
      const meta = { ...spectrum, cellId: cell.id, tsMs: Date.parse(spectrum.ts) };
      this.measured$.next(measuredInterfaceOf(meta, arc, result.arcStdErrOhmCm2, calibration));
    }
    this.live.clientSend('spectrum', cellRoom(cell.id), saved);
  }

  onModuleDestroy(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.queue$.complete();
    this.subscription.unsubscribe();
    this.measured$.complete();
  }
}
