import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { normaliseResistance, type RegimeName } from '@twin/alerts';
import type { Subscription } from 'rxjs';
import { SpectrumProcessorService, type MeasuredInterface } from '../eis/spectrum-processor.service';
import { TwinService } from '../twin/twin.service';
import { AlertsService } from './alerts.service';
import { activationEnergyOf, DEFAULT_EXTRACTION_PARAMS } from './signal-extraction';

/**
 * EIS fits are the twin's best interface measurement: each fitted interface arc (Ω·cm²), normalised
 * to the reference temperature with the model's activation energy, and its residual against the
 * model's prediction become alert observations.
 */
@Injectable()
export class EisAlertsBridge implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('alerts');
  private subscription: Subscription | null = null;

  constructor(
    private readonly eis: SpectrumProcessorService,
    private readonly twin: TwinService,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.subscription = this.eis.measured$.subscribe((m) => {
      this.forward(m).catch((e: Error) => this.logger.warn(`EIS observation for ${m.cellId}: ${e.message}`));
    });
  }

  private async forward(m: MeasuredInterface): Promise<void> {
    const state = await this.twin.current(m.cellId);
    const outputs = (state ?? {}) as Record<string, unknown>;
    const regime = (typeof outputs.regime === 'string' ? outputs.regime : null) as RegimeName | null;
    const params = DEFAULT_EXTRACTION_PARAMS;
    const ea = activationEnergyOf(outputs, params);
    const temperatureC = m.temperatureC ?? params.referenceTemperatureC;
    const factor = normaliseResistance(
      { resistance: 1, temperatureC },
      { activationEnergyEv: ea, referenceTemperatureC: params.referenceTemperatureC },
    );
    const common = { tsMs: m.tsMs, cycle: m.cycle, soc: m.soc, regime };
    await this.alerts.observe(m.cellId, {
      signal: 'interfaceResistanceOhmCm2',
      value: m.areaResistanceOhmCm2 * factor,
      stdErr: m.stdErrOhmCm2 === null ? null : m.stdErrOhmCm2 * factor,
      ...common,
    });
    if (m.residualOhmCm2 !== null) {
      await this.alerts.observe(m.cellId, { signal: 'residualOhmCm2', value: m.residualOhmCm2, ...common });
    }
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
