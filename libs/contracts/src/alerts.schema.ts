import { z } from 'zod';

/** Signals alert rules watch (issue #7); the unit is in the name. */
export const ALERT_SIGNALS = [
  'interfaceResistanceOhmCm2',
  'residualOhmCm2',
  'ohmicResistanceOhm',
  'pulseResistanceOhm',
  'contactFraction',
  'regime',
  'capacityFadePctPerCycle',
  'dischargeCapacityAh',
  'voltageV',
  'temperatureC',
] as const;
export type AlertSignalName = (typeof ALERT_SIGNALS)[number];

export const ALERT_DETECTORS = [
  'threshold',
  'relativeRise',
  'rateOfChange',
  'cusum',
  'pageHinkley',
  'regimeChange',
] as const;
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Webhook event names; a webhook without `events` receives all of them. */
export const WEBHOOK_EVENTS = ['alert.opened', 'alert.acknowledged', 'alert.resolved'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const RULE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const nonNegative = z
  .number({ error: 'must be a number' })
  .refine((v) => Number.isFinite(v) && v >= 0, 'must be ≥ 0');

export const alertScopeSchema = z.union(
  [
    z.strictObject({ all: z.literal(true) }),
    z.strictObject({ cellId: z.string().min(1) }),
    z.strictObject({ campaignId: z.string().min(1) }),
  ],
  { error: 'must be {all: true}, {cellId} or {campaignId}' },
);

/** The detector and its parameters; parameter values are checked by `@twin/alerts` (400 on a bad one). */
export const alertDetectorSchema = z.object({
  kind: z.enum(ALERT_DETECTORS, { error: `must be one of ${ALERT_DETECTORS.join(', ')}` }),
  params: z.record(z.string(), z.unknown()),
});

/** `POST /alert-rules` body. */
export const createAlertRuleSchema = z.strictObject({
  id: z.string().regex(RULE_ID, 'must match [A-Za-z0-9._:-]{1,128}').optional(),
  scope: alertScopeSchema,
  signal: z.enum(ALERT_SIGNALS, { error: `must be one of ${ALERT_SIGNALS.join(', ')}` }),
  detector: alertDetectorSchema,
  severity: z.enum(ALERT_SEVERITIES, { error: 'must be info, warning or critical' }),
  cooldownSeconds: nonNegative.default(3600),
  autoResolveSeconds: nonNegative.nullable().default(null),
  description: z.string().max(500).optional(),
  enabled: z.boolean().default(true),
});
export type CreateAlertRuleInput = z.infer<typeof createAlertRuleSchema>;

/** `PATCH /alert-rules/:id` body: any field but the id. */
export const patchAlertRuleSchema = z.strictObject({
  scope: alertScopeSchema.optional(),
  signal: z.enum(ALERT_SIGNALS).optional(),
  detector: alertDetectorSchema.optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  cooldownSeconds: nonNegative.optional(),
  autoResolveSeconds: nonNegative.nullable().optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
});
export type PatchAlertRuleInput = z.infer<typeof patchAlertRuleSchema>;

export interface AlertRuleView {
  id: string;
  scope: { all: true } | { cellId: string } | { campaignId: string };
  signal: AlertSignalName;
  detector: { kind: (typeof ALERT_DETECTORS)[number]; params: Record<string, unknown> };
  severity: (typeof ALERT_SEVERITIES)[number];
  cooldownSeconds: number;
  autoResolveSeconds: number | null;
  description: string | null;
  enabled: boolean;
  /** Seeded from `defaultAlertRules()` at start-up. */
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One alert as `GET /alerts` lists it, as the `alert` live event carries it and as webhooks post it. */
export interface AlertView {
  id: string;
  cellId: string;
  ruleId: string;
  signal: AlertSignalName;
  detector: (typeof ALERT_DETECTORS)[number];
  severity: (typeof ALERT_SEVERITIES)[number];
  state: AlertState;
  /** The value that opened the alert (a regime label for the `regime` signal). */
  value: number | string | null;
  /** What it was compared with: baseline mean, threshold or previous regime. */
  baseline: number | string | null;
  cycle: number | null;
  soc: number | null;
  /** The twin's regime when the alert opened. */
  regime: string | null;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: 'auto' | 'manual' | null;
  /** What crossed what, in words. */
  detail: string;
}

const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time');

/** `GET /alerts` query. */
export const alertsQuerySchema = z.strictObject({
  state: z.enum(ALERT_STATES, { error: 'must be open, acknowledged or resolved' }).optional(),
  cellId: z.string().min(1).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});
export type AlertsQuery = z.infer<typeof alertsQuerySchema>;

/** `POST /webhooks` body. */
export const createWebhookSchema = z.strictObject({
  url: z
    .string({ error: 'required' })
    .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), 'must be an http(s) URL'),
  secret: z.string({ error: 'required' }).min(16, 'must be at least 16 characters').max(256),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).optional(),
});
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  alertId: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** The JSON a webhook receives; `X-Twin-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`. */
export interface WebhookPayload {
  id: string;
  event: WebhookEvent;
  createdAt: string;
  alert: AlertView;
}

/** `/live` `subscribe` message that joins the `alerts` room. */
export const alertsSubscribeSchema = z.object({ alerts: z.literal(true) });
