-- Campaigns group cells for replays (and alert scopes). Same definition as the alerts feature's
-- migration 010: whichever runs first creates it.
CREATE TABLE IF NOT EXISTS campaigns (id text PRIMARY KEY, name text NOT NULL, description text, cell_ids text[]
NOT NULL DEFAULT '{}', tags text[] NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now());

-- One row per replay: what was asked and where it got to. Replays never write twin_* or alerts.
CREATE TABLE IF NOT EXISTS replays (
  id text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'finished', 'cancelled', 'failed')),
  request jsonb NOT NULL,
  cell_ids text[] NOT NULL,
  fraction double precision NOT NULL DEFAULT 0,
  simulated_ts timestamptz,
  samples_per_sec double precision,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per-cell, per-cycle aggregates of a replay, kept after it ends so two replays can be compared.
CREATE TABLE IF NOT EXISTS replay_summaries (
  replay_id text NOT NULL REFERENCES replays (id) ON DELETE CASCADE,
  cell_id text NOT NULL,
  cycle_index integer NOT NULL,
  summary jsonb NOT NULL,
  PRIMARY KEY (replay_id, cell_id, cycle_index)
);
