CREATE TABLE IF NOT EXISTS samples (
  cell_id text NOT NULL,
  seq bigint NOT NULL,
  ts timestamptz NOT NULL,
  voltage_v double precision NOT NULL,
  current_a double precision NOT NULL,
  temperature_c double precision,
  cycle integer,
  step integer
);

SELECT create_hypertable('samples', by_range('ts', INTERVAL '1 day'), if_not_exists => TRUE);

-- A hypertable's unique index must contain the partitioning column, so (cell_id, seq) uniqueness is
-- enforced by the writer's NOT EXISTS probe on samples_cell_seq plus this index for exact resends.
CREATE UNIQUE INDEX IF NOT EXISTS samples_cell_seq_ts ON samples (cell_id, seq, ts);
CREATE INDEX IF NOT EXISTS samples_cell_seq ON samples (cell_id, seq);

ALTER TABLE samples SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'cell_id',
  timescaledb.compress_orderby = 'seq'
);
SELECT add_compression_policy('samples', INTERVAL '7 days', if_not_exists => TRUE);
