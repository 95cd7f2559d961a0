import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { CellConfig } from '@twin/contracts';
import { fitCircuit, interfaceArc, linKk, SOLID_STATE_CIRCUIT, type FitResult } from '@twin/eis';
import { concatMap, from, Subject, type Subscription } from 'rxjs';
import { LiveGateway } from '../live/live.gateway';
import { cellRoom } from '../live/live-events';
import { TwinService } from '../twin/twin.service';
import { SpectraRepository, type StoredSpectrum } from './spectra.repository';

export interface MeasuredInterface {
  cellId: string;
  tsMs: number;
  areaResistanceOhmCm2: number;
  stdErrOhmCm2: number | null;
  areaCapacitanceUFPerCm2: number;
  soc: number | null;
  cycle: number | null;
  temperatureC: number | null;
  /** measured − predicted after the twin's calibration step, when the cell has a model. */
  residualOhmCm2: number | null;
}

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
    const data = {
      frequenciesHz: spectrum.points.map((p) => p.fHz),
      zRealOhm: spectrum.points.map((p) => p.zRealOhm),
      zImagOhm: spectrum.points.map((p) => p.zImagOhm),
    };
    const kk = linKk(data);
    const linKK = {
      valid: kk.valid,
      rcElements: kk.rcElements,
      mu: kk.mu,
      residualRealPct: kk.residualRealPct,
      residualImagPct: kk.residualImagPct,
      residualRmsPct: kk.residualRmsPct,
    };
    if (!kk.valid) {
      const saved = await this.spectra.saveResult(spectrum.id, 'invalid', linKK, circuit, null, null);
      this.live.clientSend('spectrum', cellRoom(cell.id), saved);
      return;
    }
    let fit: FitResult;
    try {
      const previous = await this.spectra.lastFit(cell.id, circuit);
      fit = fitCircuit(circuit, data, {
        weighting: 'modulus',
        ...(previous ? { initialGuess: previous } : {}),
      });
    } catch (error) {
      const saved = await this.spectra.saveResult(spectrum.id, 'fit-failed', linKK, circuit, null, null);
      this.live.clientSend('spectrum', cellRoom(cell.id), saved);
      this.logger.warn(`fit of spectrum ${spectrum.id} failed: ${(error as Error).message}`);
      return;
    }
    const fitJson = {
      circuit,
      parameters: fit.parameters,
      rmsRelErrorPct: fit.rmsRelErrorPct,
      chiSquare: fit.chiSquare,
      iterations: fit.iterations,
    };
    let arc: ReturnType<typeof interfaceArc> | null = null;
    let arcStdErr: number | null = null;
    if (circuit === SOLID_STATE_CIRCUIT) {
      arc = interfaceArc(fit, cell.electrodeAreaCm2);
      const r2 = fit.parameters.find((p) => p.name === 'R2');
      arcStdErr = r2 ? r2.stdErr * cell.electrodeAreaCm2 : null;
    }
    const saved = await this.spectra.saveResult(spectrum.id, 'fitted', linKK, circuit, fitJson, arc);
    if (arc) {
      const calibration = await this.twin.calibrate(cell.id, arc.areaResistanceOhmCm2).catch(() => null);
      saved.interfaceArc = { ...arc, ...(calibration ?? {}) };
      this.measured$.next({
        cellId: cell.id,
        tsMs: Date.parse(spectrum.ts),
        areaResistanceOhmCm2: arc.areaResistanceOhmCm2,
        stdErrOhmCm2: arcStdErr,
        areaCapacitanceUFPerCm2: arc.areaCapacitanceUFPerCm2,
        soc: spectrum.soc,
        cycle: spectrum.cycle,
        temperatureC: spectrum.temperatureC,
        residualOhmCm2: typeof calibration?.residualOhmCm2 === 'number' ? calibration.residualOhmCm2 : null,
      });
    }
    this.live.clientSend('spectrum', cellRoom(cell.id), saved);
  }

  onModuleDestroy(): void {
    this.queue$.complete();
    this.subscription.unsubscribe();
    this.measured$.complete();
  }
}
