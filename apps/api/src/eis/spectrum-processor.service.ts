import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { CellConfig } from '@twin/contracts';
import { SOLID_STATE_CIRCUIT } from '@twin/eis';
import { concatMap, from, Subject, type Subscription } from 'rxjs';
import { LiveGateway } from '../live/live.gateway';
import { cellRoom } from '../live/live-events';
import { TwinService } from '../twin/twin.service';
import { SpectraRepository, type StoredSpectrum } from './spectra.repository';
import { analyseSpectrum, measuredInterfaceOf, type MeasuredInterface } from './spectrum-analysis';

export type { MeasuredInterface } from './spectrum-analysis';

/**
 * After a spectrum is stored: Lin-KK check (a failing spectrum is stored and flagged, never fitted
 * silently), circuit fit warm-started from the cell's previous fit, the interface arc normalised by
 * electrode area as the twin's measured interface resistance, and a `spectrum` event with the fit.
 * One spectrum at a time: fits are CPU work and must not starve ingest.
 */
@Injectable()
export class SpectrumProcessorService implements OnModuleDestroy {
  private readonly logger = new Logger('eis');
  private readonly queue$ = new Subject<{ spectrum: StoredSpectrum; cell: CellConfig; circuit: string }>();
  private readonly subscription: Subscription;
  /** Other capabilities (alerts) listen for measured interface resistance here. */
  readonly measured$ = new Subject<MeasuredInterface>();

  constructor(
    private readonly spectra: SpectraRepository,
    private readonly twin: TwinService,
    private readonly live: LiveGateway,
  ) {
    this.subscription = this.queue$
      .pipe(
        concatMap((job) =>
          from(
            this.process(job.spectrum, job.cell, job.circuit).catch((e: Error) =>
              this.logger.warn(e.message),
            ),
          ),
        ),
      )
      .subscribe();
  }

  enqueue(spectrum: StoredSpectrum, cell: CellConfig, circuit: string | undefined): void {
    this.queue$.next({ spectrum, cell, circuit: circuit ?? SOLID_STATE_CIRCUIT });
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
    this.queue$.complete();
    this.subscription.unsubscribe();
    this.measured$.complete();
  }
}
