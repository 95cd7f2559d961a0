import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ALERTS_CONFIG, type AlertsConfig } from './alerts.config';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  retryDelayMs,
  signBody,
} from './webhook-signature';
import { WebhooksRepository, type DueDelivery } from './webhooks.repository';

const BATCH = 20;

/**
 * Sends queued webhook deliveries in the background: POST with the HMAC signature, exponential
 * back-off on failure, status in the table. Nothing on the ingest or twin path ever waits for it.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(ALERTS_CONFIG) private readonly config: AlertsConfig,
    private readonly repo: WebhooksRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.kick(), this.config.webhookPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Starts a pass unless one is running; called by the timer and right after an enqueue. */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.pass()
      .catch((e: Error) => this.logger.warn(`delivery pass failed: ${e.message}`))
      .finally(() => {
        this.running = null;
      });
  }

  private async pass(): Promise<void> {
    // A lease longer than one send, so a slow receiver is not sent the same delivery twice at once.
    const leaseMs = this.config.webhookTimeoutMs * 2 + 1000;
    for (;;) {
      if (this.stopped) return;
      const due = await this.repo.claimDue(Date.now(), leaseMs, BATCH);
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.send(d)));
    }
  }

  private async send(d: DueDelivery): Promise<void> {
    let statusCode: number | null = null;
    let error: string;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'operando-twin-webhooks',
          [SIGNATURE_HEADER]: signBody(d.secret, d.body),
          [DELIVERY_HEADER]: d.id,
          [TIMESTAMP_HEADER]: new Date().toISOString(),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        await this.repo.markDelivered(d.id, res.status, Date.now());
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const attempt = d.attempts + 1;
    const next =
      attempt >= this.config.webhookMaxAttempts
        ? null
        : Date.now() + retryDelayMs(attempt, this.config.webhookRetryBaseMs, this.config.webhookRetryMaxMs);
    await this.repo.markFailed(d.id, statusCode, error, next);
  }
}
