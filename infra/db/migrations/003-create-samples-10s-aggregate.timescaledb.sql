-- migrate:no-transaction
CREATE MATERIALIZED VIEW IF NOT EXISTS samples_10s
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  cell_id,
  time_bucket(INTERVAL '10 seconds', ts) AS bucket,
  count(*) AS n,
  min(voltage_v) AS voltage_min_v,
  max(voltage_v) AS voltage_max_v,
  sum(voltage_v) AS voltage_sum_v,
  min(current_a) AS current_min_a,
  max(current_a) AS current_max_a,
  sum(current_a) AS current_sum_a,
  min(temperature_c) AS temperature_min_c,
  max(temperature_c) AS temperature_max_c,
  sum(temperature_c) AS temperature_sum_c,
  count(temperature_c) AS temperature_n
FROM samples
GROUP BY cell_id, bucket
WITH NO DATA;

SELECT add_continuous_aggregate_policy('samples_10s',
  start_offset => INTERVAL '3 days',
  end_offset => INTERVAL '10 seconds',
  schedule_interval => INTERVAL '1 minute',
  if_not_exists => TRUE);
