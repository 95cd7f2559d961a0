import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  WEBHOOK_EVENTS,
  type AlertView,
  type CreateWebhookInput,
  type WebhookDeliveryView,
  type WebhookEvent,
  type WebhookPayload,
  type WebhookView,
} from '@twin/contracts';
import { DomainError } from '../common/domain-error';
import { WebhooksRepository, type Webhook } from './webhooks.repository';

const publicView = ({ secret: _secret, ...view }: Webhook): WebhookView => view;

/** Webhook registrations and the outbox writes; sending is the delivery worker's job. */
@Injectable()
export class WebhooksService {
  constructor(private readonly repo: WebhooksRepository) {}

  async create(input: CreateWebhookInput): Promise<WebhookView> {
    const events = input.events ? [...new Set(input.events)] : [...WEBHOOK_EVENTS];
    return publicView(await this.repo.insert(`wh-${randomUUID()}`, input.url, input.secret, events));
  }

  async list(): Promise<WebhookView[]> {
    return (await this.repo.list()).map(publicView);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw DomainError.notFound(`webhook ${id}`);
  }

  async deliveries(id: string): Promise<WebhookDeliveryView[]> {
    if (!(await this.repo.exists(id))) throw DomainError.notFound(`webhook ${id}`);
    return this.repo.deliveries(id);
  }

  /** Queues the event for every webhook that wants it; the body is fixed here so retries sign the same bytes. */
  async enqueue(event: WebhookEvent, alert: AlertView): Promise<void> {
    const hooks = (await this.repo.list()).filter((h) => h.events.includes(event));
    const now = Date.now();
    await this.repo.enqueue(
      hooks.map((h) => {
        const id = randomUUID();
        const payload: WebhookPayload = { id, event, createdAt: new Date(now).toISOString(), alert };
        return { id, webhookId: h.id, event, alertId: alert.id, body: JSON.stringify(payload) };
      }),
      now,
    );
  }
}
