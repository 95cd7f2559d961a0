-- Campaigns group cells; alert rules may be scoped to one. Same definition as the replay feature's
-- (whichever migration runs first creates it).
CREATE TABLE IF NOT EXISTS campaigns (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text,
  cell_ids text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS alert_rules (
  id text PRIMARY KEY,
  scope jsonb NOT NULL,
  signal text NOT NULL,
  detector jsonb NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  cooldown_seconds double precision NOT NULL CHECK (cooldown_seconds >= 0),
  auto_resolve_seconds double precision CHECK (auto_resolve_seconds >= 0),
  description text,
  enabled boolean NOT NULL DEFAULT true,
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Default rules seeded once each: a default an admin deleted stays deleted after a restart.
CREATE TABLE IF NOT EXISTS alert_rule_seeds (
  rule_id text PRIMARY KEY,
  seeded_at timestamptz NOT NULL DEFAULT now()
);

-- rule_id has no foreign key: the history of a deleted rule stays readable.
CREATE TABLE IF NOT EXISTS alerts (
  id text PRIMARY KEY,
  cell_id text NOT NULL REFERENCES cells (id) ON DELETE CASCADE,
  rule_id text NOT NULL,
  signal text NOT NULL,
  detector text NOT NULL,
  severity text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  value jsonb,
  baseline jsonb,
  cycle integer,
  soc double precision,
  regime text,
  detail text NOT NULL DEFAULT '',
  opened_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  resolved_at timestamptz,
  resolved_by text CHECK (resolved_by IN ('auto', 'manual'))
);

-- De-duplication in the database too: at most one unresolved alert per (rule, cell).
CREATE UNIQUE INDEX IF NOT EXISTS alerts_one_unresolved_per_rule_cell
  ON alerts (rule_id, cell_id) WHERE state <> 'resolved';
CREATE INDEX IF NOT EXISTS alerts_cell_opened ON alerts (cell_id, opened_at);
CREATE INDEX IF NOT EXISTS alerts_opened ON alerts (opened_at);

-- Evaluator state per (rule, cell) and signal-extraction state per cell, so a restart resumes them.
CREATE TABLE IF NOT EXISTS alert_detector_state (
  rule_id text NOT NULL,
  cell_id text NOT NULL REFERENCES cells (id) ON DELETE CASCADE,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, cell_id)
);

CREATE TABLE IF NOT EXISTS alert_signal_state (
  cell_id text PRIMARY KEY REFERENCES cells (id) ON DELETE CASCADE,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS webhooks (
  id text PRIMARY KEY,
  url text NOT NULL,
  secret text NOT NULL,
  events text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The outbox: an alert transition writes one row per webhook; a background worker sends them.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id text PRIMARY KEY,
  webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event text NOT NULL,
  alert_id text,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due
  ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);
