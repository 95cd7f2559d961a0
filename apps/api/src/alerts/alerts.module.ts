import { Module } from '@nestjs/common';
import { EisModule } from '../eis/eis.module';
import { AlertRulesController } from './alert-rules.controller';
import { AlertRulesRepository } from './alert-rules.repository';
import { AlertRulesService } from './alert-rules.service';
import { AlertStateRepository } from './alert-state.repository';
import { ALERTS_CONFIG, loadAlertsConfig } from './alerts.config';
import { AlertsController } from './alerts.controller';
import { AlertsGateway } from './alerts.gateway';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { EisAlertsBridge } from './eis-alerts.bridge';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Alerting (issue #7): rules, detectors on the live twin stream, stored alerts with their lifecycle,
 * `alert` events on `/live` and signed webhooks sent from an outbox. `AlertsService.observe` is the
 * entry for observations made elsewhere (EIS fits).
 */
@Module({
  imports: [EisModule],
  controllers: [AlertRulesController, AlertsController, WebhooksController],
  providers: [
    { provide: ALERTS_CONFIG, useFactory: () => loadAlertsConfig(process.env) },
    AlertRulesRepository,
    AlertRulesService,
    AlertsRepository,
    AlertStateRepository,
    AlertsService,
    AlertsGateway,
    WebhooksRepository,
    WebhooksService,
    WebhookDeliveryWorker,
    EisAlertsBridge,
  ],
  exports: [AlertsService],
})
export class AlertsModule {}
