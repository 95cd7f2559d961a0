import { Injectable } from '@nestjs/common';
import type { WebhookDeliveryView, WebhookEvent, WebhookView } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

interface WebhookRow {
  id: string;
  url: string;
  secret: string;
  events: WebhookEvent[];
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: WebhookEvent;
  alert_id: string | null;
  status: WebhookDeliveryView['status'];
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface Webhook extends WebhookView {
  secret: string;
}

export interface DueDelivery {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
}

export interface NewDelivery {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  alertId: string | null;
  body: string;
}

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  secret: row.secret,
  events: row.events,
  createdAt: row.created_at.toISOString(),
});

const toDelivery = (row: DeliveryRow): WebhookDeliveryView => ({
  id: row.id,
  webhookId: row.webhook_id,
  event: row.event,
  alertId: row.alert_id,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  deliveredAt: row.delivered_at?.toISOString() ?? null,
});

const DELIVERY_COLUMNS = `id, webhook_id, event, alert_id, status, attempts, last_status_code, last_error,
  next_attempt_at, created_at, delivered_at`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: DatabaseService) {}

  async insert(id: string, url: string, secret: string, events: WebhookEvent[]): Promise<Webhook> {
    const { rows } = await this.db.pool.query<WebhookRow>(
      `INSERT INTO webhooks (id, url, secret, events) VALUES ($1, $2, $3, $4)
       RETURNING id, url, secret, events, created_at`,
      [id, url, secret, events],
    );
    return toWebhook(rows[0]);
  }

  async list(): Promise<Webhook[]> {
    const { rows } = await this.db.pool.query<WebhookRow>(
      'SELECT id, url, secret, events, created_at FROM webhooks ORDER BY created_at, id',
    );
    return rows.map(toWebhook);
  }

  async exists(id: string): Promise<boolean> {
    const { rows } = await this.db.pool.query('SELECT 1 FROM webhooks WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.pool.query('DELETE FROM webhooks WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  /** The outbox write: one pending row per subscribed webhook, due at once. */
  async enqueue(deliveries: readonly NewDelivery[], nowMs: number): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, alert_id, body, status, next_attempt_at)
       SELECT d.id, d.webhook_id, d.event, d.alert_id, d.body, 'pending', $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS d (id, webhook_id, event, alert_id, body)`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.webhookId),
        deliveries.map((d) => d.event),
        deliveries.map((d) => d.alertId),
        deliveries.map((d) => d.body),
        new Date(nowMs),
      ],
    );
  }

  /**
   * Claims due deliveries by pushing their next attempt a lease ahead: another instance (or this one
   * after a crash mid-send) picks them up again only once the lease has run out.
   */
  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const { rows } = await this.db.pool.query<{
      id: string;
      webhook_id: string;
      url: string;
      secret: string;
      body: string;
      attempts: number;
    }>(
      `UPDATE webhook_deliveries d SET next_attempt_at = $2
       FROM webhooks w
       WHERE w.id = d.webhook_id AND d.id IN (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING d.id, d.webhook_id, w.url, w.secret, d.body, d.attempts`,
      [new Date(nowMs), new Date(nowMs + leaseMs), limit],
    );
    return rows.map((r) => ({
      id: r.id,
      webhookId: r.webhook_id,
      url: r.url,
      secret: r.secret,
      body: r.body,
      attempts: r.attempts,
    }));
  }

  async markDelivered(id: string, statusCode: number, nowMs: number): Promise<void> {
    await this.db.pool.query(
      `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = $2,
         last_error = NULL, delivered_at = $3, next_attempt_at = NULL
       WHERE id = $1`,
      [id, statusCode, new Date(nowMs)],
    );
  }

  /** Records a failed attempt; `nextAttemptMs` null means attempts are used up. */
  async markFailed(
    id: string,
    statusCode: number | null,
    error: string,
    nextAttemptMs: number | null,
  ): Promise<void> {
    await this.db.pool.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2, last_error = $3,
         status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = $4
       WHERE id = $1`,
      [id, statusCode, error.slice(0, 500), nextAttemptMs === null ? null : new Date(nextAttemptMs)],
    );
  }

  async deliveries(webhookId: string, limit = 500): Promise<WebhookDeliveryView[]> {
    const { rows } = await this.db.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1
       ORDER BY created_at DESC, id LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map(toDelivery);
  }
}
