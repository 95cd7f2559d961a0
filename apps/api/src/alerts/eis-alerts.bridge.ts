import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { SpectrumProcessorService, type MeasuredInterface } from '../eis/spectrum-processor.service';
import { TwinService } from '../twin/twin.service';
import { AlertsService } from './alerts.service';
import { eisObservations } from './eis-observations';

/**
 * EIS fits are the twin's best interface measurement: each fitted interface arc becomes alert
 * observations (eis-observations.ts) on the live alert stream.
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
    for (const observation of eisObservations(m, state as Record<string, unknown> | null)) {
      await this.alerts.observe(m.cellId, observation);
    }
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
