import { Injectable } from '@nestjs/common';
import type { SamplePoint } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

/**
 * Lean reads for replays. Rows come back already shaped as `SamplePoint` (column aliases), with the
 * timestamp as epoch ms computed by the server: floor() of the exact numeric epoch gives the same
 * whole milliseconds `pg` yields for a `Date` (it truncates microseconds), so a replayed sample is
 * bit-for-bit the one the live twin stepped.
 */
const PAGE_SQL = `
  SELECT seq, floor(extract(epoch FROM ts) * 1000)::float8 AS "tsMs", voltage_v AS "voltageV",
    current_a AS "currentA", temperature_c AS "temperatureC", cycle, step
  FROM samples
  WHERE cell_id = $1 AND seq > $2 AND ($3::float8 IS NULL OR ts < to_timestamp($3 / 1000.0))
  ORDER BY seq LIMIT $4`;

@Injectable()
export class ReplaySamplesRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Up to `limit` samples of one cell after `afterSeq`, in seq (= time) order, before `toMs`. */
  async page(cellId: string, afterSeq: number, toMs: number | null, limit: number): Promise<SamplePoint[]> {
    const { rows } = await this.db.pool.query<SamplePoint>(PAGE_SQL, [cellId, afterSeq, toMs, limit]);
    return rows;
  }

  /** Rows the replay will step (everything before `toMs`) and the time span of its window. */
  async extent(
    cellIds: string[],
    fromMs: number | null,
    toMs: number | null,
  ): Promise<{ total: number; inWindow: number; firstMs: number | null; lastMs: number | null }> {
    const { rows } = await this.db.pool.query<{
      total: number;
      in_window: number;
      first_ms: number | null;
      last_ms: number | null;
    }>(
      `SELECT count(*)::float8 AS total,
         count(*) FILTER (WHERE $2::float8 IS NULL OR ts >= to_timestamp($2 / 1000.0))::float8 AS in_window,
         (extract(epoch FROM min(ts) FILTER (WHERE $2::float8 IS NULL OR ts >= to_timestamp($2 / 1000.0))) * 1000)::float8 AS first_ms,
         (extract(epoch FROM max(ts)) * 1000)::float8 AS last_ms
       FROM samples
       WHERE cell_id = ANY($1) AND ($3::float8 IS NULL OR ts < to_timestamp($3 / 1000.0))`,
      [cellIds, fromMs, toMs],
    );
    const r = rows[0];
    return { total: r.total, inWindow: r.in_window, firstMs: r.first_ms, lastMs: r.last_ms };
  }

  /** Whether the EIS feature's `spectra` table exists yet (replays skip spectra until it does). */
  async hasSpectraTable(): Promise<boolean> {
    const { rows } = await this.db.pool.query<{ t: string | null }>(
      "SELECT to_regclass('spectra')::text AS t",
    );
    return rows[0]?.t != null;
  }
}
