CREATE TABLE IF NOT EXISTS api_tokens (
  id bigserial PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'rig', 'viewer')),
  label text NOT NULL,
  cell_ids text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE IF NOT EXISTS cells (
  id text PRIMARY KEY,
  name text,
  cathode text NOT NULL,
  electrolyte text NOT NULL,
  anode text,
  coating jsonb,
  nominal_capacity_ah double precision NOT NULL,
  electrode_area_cm2 double precision NOT NULL,
  stack_pressure_mpa double precision NOT NULL,
  initial_soc double precision NOT NULL DEFAULT 0,
  tags text[] NOT NULL DEFAULT '{}',
  model_overrides jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Full twin state at a seq: the restart and late-sample recompute start from the newest one below the target.
CREATE TABLE IF NOT EXISTS twin_checkpoints (
  cell_id text NOT NULL REFERENCES cells (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cell_id, seq)
);

-- What GET /cells shows as `state`, refreshed at most about once a second per cell.
CREATE TABLE IF NOT EXISTS twin_latest (
  cell_id text PRIMARY KEY REFERENCES cells (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  payload jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS cell_cycles (
  cell_id text NOT NULL REFERENCES cells (id) ON DELETE CASCADE,
  cycle_index integer NOT NULL,
  summary jsonb NOT NULL,
  PRIMARY KEY (cell_id, cycle_index)
);
