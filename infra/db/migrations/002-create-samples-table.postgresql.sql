CREATE TABLE IF NOT EXISTS samples (
  cell_id text NOT NULL,
  seq bigint NOT NULL,
  ts timestamptz NOT NULL,
  voltage_v double precision NOT NULL,
  current_a double precision NOT NULL,
  temperature_c double precision,
  cycle integer,
  step integer,
  PRIMARY KEY (cell_id, seq)
);

-- Samples arrive in time order, so a BRIN index on ts stays tiny and serves range scans.
CREATE INDEX IF NOT EXISTS samples_ts_brin ON samples USING brin (ts);
CREATE INDEX IF NOT EXISTS samples_cell_ts ON samples (cell_id, ts);
