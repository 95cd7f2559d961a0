import { Injectable } from '@nestjs/common';
import type { SamplePoint } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

/** A row the batch added; `pending` when another instance holds the cell and will step it. */
export interface InsertedSample {
  cell_id: string;
  seq: number;
  pending: boolean;
}

export interface SampleToWrite {
  cellId: string;
  sample: SamplePoint;
}

interface SampleRow {
  seq: number;
  ts: Date;
  voltage_v: number;
  current_a: number;
  temperature_c: number | null;
  cycle: number | null;
  step: number | null;
}

export interface SeriesBucket {
  ts: string;
  n: number;
  voltageV: { min: number; avg: number; max: number };
  currentA: { min: number; avg: number; max: number };
  temperatureC: { min: number; avg: number; max: number } | null;
}

const SAMPLE_COLUMNS = 'seq, ts, voltage_v, current_a, temperature_c, cycle, step';

function toPoint(r: SampleRow): SamplePoint {
  return {
    seq: r.seq,
    tsMs: r.ts.getTime(),
    voltageV: r.voltage_v,
    currentA: r.current_a,
    temperatureC: r.temperature_c,
    cycle: r.cycle,
    step: r.step,
  };
}

const INSERT_FROM_UNNEST = `
  INSERT INTO samples (cell_id, seq, ts, voltage_v, current_a, temperature_c, cycle, step)
  SELECT c, s, to_timestamp(t / 1000.0), v, i, tc, cy, st
  FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::int[], $8::int[])
    AS u(c, s, t, v, i, tc, cy, st)`;

@Injectable()
export class SamplesRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Writes a batch in one statement and returns the (cell, seq) pairs that were new; the rest were
   * already stored. On TimescaleDB the unique index carries ts, so (cell, seq) is probed explicitly.
   *
   * The same statement decides who steps the twin: rows of cells whose lease `owner` does not hold
   * are announced in `twin_pending` for the holder (flag `pending`). The lease rows are read FOR
   * SHARE, so a take-over waits for this commit and the new owner's load sees these rows.
   */
  async insertBatch(batch: readonly SampleToWrite[], owner: string): Promise<InsertedSample[]> {
    const n = batch.length;
    const cells = new Array<string>(n);
    const seqs = new Array<number>(n);
    const ts = new Array<number>(n);
    const volts = new Array<number>(n);
    const amps = new Array<number>(n);
    const temps = new Array<number | null>(n);
    const cycles = new Array<number | null>(n);
    const steps = new Array<number | null>(n);
    for (let k = 0; k < n; k++) {
      const { cellId, sample } = batch[k];
      cells[k] = cellId;
      seqs[k] = sample.seq;
      ts[k] = sample.tsMs;
      volts[k] = sample.voltageV;
      amps[k] = sample.currentA;
      temps[k] = sample.temperatureC ?? null;
      cycles[k] = sample.cycle ?? null;
      steps[k] = sample.step ?? null;
    }
    const guard =
      this.db.variant === 'timescaledb'
        ? ' WHERE NOT EXISTS (SELECT 1 FROM samples x WHERE x.cell_id = u.c AND x.seq = u.s)'
        : '';
    const { rows } = await this.db.pool.query<InsertedSample>(
      `WITH ins AS (${INSERT_FROM_UNNEST}${guard} ON CONFLICT DO NOTHING RETURNING cell_id, seq),
       held AS (
         SELECT cell_id FROM cell_leases
         WHERE owner = $9 AND expires_at > now() AND cell_id = ANY($10::text[])
         FOR SHARE),
       pend AS (
         INSERT INTO twin_pending (cell_id, min_seq)
         SELECT cell_id, min(seq) FROM ins WHERE cell_id NOT IN (SELECT cell_id FROM held)
         GROUP BY cell_id ORDER BY cell_id
         ON CONFLICT (cell_id) DO UPDATE
           SET min_seq = LEAST(twin_pending.min_seq, EXCLUDED.min_seq), updated_at = now()
         RETURNING cell_id)
       SELECT cell_id, seq, cell_id IN (SELECT cell_id FROM pend) AS pending FROM ins`,
      [cells, seqs, ts, volts, amps, temps, cycles, steps, owner, [...new Set(cells)]],
    );
    return rows;
  }

  async readAfter(cellId: string, afterSeq: number, limit: number): Promise<SamplePoint[]> {
    const { rows } = await this.db.pool.query<SampleRow>(
      `SELECT ${SAMPLE_COLUMNS} FROM samples WHERE cell_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [cellId, afterSeq, limit],
    );
    return rows.map(toPoint);
  }

  async readPage(
    cellId: string,
    afterSeq: number,
    fromMs: number | null,
    toMs: number | null,
    limit: number,
  ): Promise<SamplePoint[]> {
    const { rows } = await this.db.pool.query<SampleRow>(
      `SELECT ${SAMPLE_COLUMNS} FROM samples
       WHERE cell_id = $1 AND seq > $2
         AND ($3::float8 IS NULL OR ts >= to_timestamp($3 / 1000.0))
         AND ($4::float8 IS NULL OR ts < to_timestamp($4 / 1000.0))
       ORDER BY seq LIMIT $5`,
      [cellId, afterSeq, fromMs, toMs, limit],
    );
    return rows.map(toPoint);
  }

  async timeRange(cellId: string): Promise<{ fromMs: number; toMs: number } | null> {
    const { rows } = await this.db.pool.query<{ lo: Date | null; hi: Date | null }>(
      'SELECT min(ts) AS lo, max(ts) AS hi FROM samples WHERE cell_id = $1',
      [cellId],
    );
    const r = rows[0];
    return r.lo && r.hi ? { fromMs: r.lo.getTime(), toMs: r.hi.getTime() } : null;
  }

  /**
   * min/avg/max per bucket. On TimescaleDB, buckets that are whole multiples of 10 s are re-aggregated
   * from the samples_10s continuous aggregate (real-time, so the newest rows are included).
   */
  async series(cellId: string, fromMs: number, toMs: number, bucketSeconds: number): Promise<SeriesBucket[]> {
    const useAggregate = this.db.variant === 'timescaledb' && bucketSeconds % 10 === 0;
    const sql = useAggregate
      ? `SELECT time_bucket(make_interval(secs => $4), bucket) AS b, sum(n)::float8 AS n,
           min(voltage_min_v) AS vmin, sum(voltage_sum_v) / sum(n) AS vavg, max(voltage_max_v) AS vmax,
           min(current_min_a) AS imin, sum(current_sum_a) / sum(n) AS iavg, max(current_max_a) AS imax,
           min(temperature_min_c) AS tmin, sum(temperature_sum_c) / nullif(sum(temperature_n), 0) AS tavg,
           max(temperature_max_c) AS tmax
         FROM samples_10s
         WHERE cell_id = $1 AND bucket >= to_timestamp($2 / 1000.0) AND bucket < to_timestamp($3 / 1000.0)
         GROUP BY 1 ORDER BY 1`
      : `SELECT date_bin(make_interval(secs => $4), ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS b,
           count(*)::float8 AS n,
           min(voltage_v) AS vmin, avg(voltage_v) AS vavg, max(voltage_v) AS vmax,
           min(current_a) AS imin, avg(current_a) AS iavg, max(current_a) AS imax,
           min(temperature_c) AS tmin, avg(temperature_c) AS tavg, max(temperature_c) AS tmax
         FROM samples
         WHERE cell_id = $1 AND ts >= to_timestamp($2 / 1000.0) AND ts < to_timestamp($3 / 1000.0)
         GROUP BY 1 ORDER BY 1`;
    const { rows } = await this.db.pool.query<{
      b: Date;
      n: number;
      vmin: number;
      vavg: number;
      vmax: number;
      imin: number;
      iavg: number;
      imax: number;
      tmin: number | null;
      tavg: number | null;
      tmax: number | null;
    }>(sql, [cellId, fromMs, toMs, bucketSeconds]);
    return rows.map((r) => ({
      ts: r.b.toISOString(),
      n: r.n,
      voltageV: { min: r.vmin, avg: r.vavg, max: r.vmax },
      currentA: { min: r.imin, avg: r.iavg, max: r.imax },
      temperatureC: r.tmin === null ? null : { min: r.tmin, avg: r.tavg!, max: r.tmax! },
    }));
  }
}
