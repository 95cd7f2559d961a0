import { Injectable, Logger } from '@nestjs/common';
import type { SamplePoint } from '@twin/contracts';
import { to as copyTo } from 'pg-copy-streams';
import { DatabaseService } from '../database/database.service';
import { decodeSampleCopy, samplePageCopySql } from './binary-copy-samples';
import type { PageDecoder } from './cell-cursor';
import type { ReplaySpectrum, SpectrumKey } from './replay-spectra.adapter';

/**
 * Lean reads for replays: a page is `COPY (SELECT …) TO STDOUT (FORMAT binary)` decoded straight into
 * `SamplePoint`s (binary-copy-samples.ts), about twice as cheap per row as row objects from a SELECT.
 * Timestamps become the same whole epoch milliseconds `pg` yields for a `Date` (floored microseconds),
 * so a replayed sample is bit-for-bit the one the live twin stepped. Where COPY is refused (an embedded
 * server without COPY TO STDOUT) the page falls back, once and for good, to the SELECT below, which
 * yields identical samples.
 */
const PAGE_SQL = `
  SELECT seq, floor(extract(epoch FROM ts) * 1000)::float8 AS "tsMs", voltage_v AS "voltageV",
    current_a AS "currentA", temperature_c AS "temperatureC", cycle, step
  FROM samples
  WHERE cell_id = $1 AND seq > $2 AND ($3::float8 IS NULL OR ts < to_timestamp($3 / 1000.0))
  ORDER BY seq LIMIT $4`;

@Injectable()
export class ReplaySamplesRepository {
  private readonly logger = new Logger('replays');
  private copyRefused = false;

  constructor(private readonly db: DatabaseService) {}

  /**
   * Up to `limit` samples of one cell after `afterSeq`, in seq (= time) order, before `toMs`, as a
   * decoder: the bytes arrive now, the `SamplePoint`s are built when the replay reaches the page.
   */
  async page(cellId: string, afterSeq: number, toMs: number | null, limit: number): Promise<PageDecoder> {
    if (!this.copyRefused) {
      const client = await this.db.pool.connect();
      let bytes: Buffer;
      try {
        const chunks: Buffer[] = [];
        const stream = client.query(
          copyTo(samplePageCopySql(client.escapeLiteral(cellId), afterSeq, toMs, limit)),
        );
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        bytes = Buffer.concat(chunks);
        client.release();
      } catch (error) {
        // A failed COPY may leave the connection mid-protocol: drop it rather than reuse it.
        client.release(error as Error);
        if (!isCopyUnsupported(error)) throw error;
        this.copyRefused = true;
        this.logger.warn(`binary COPY refused (${(error as Error).message}); replays read pages with SELECT`);
        return this.selectDecoder(cellId, afterSeq, toMs, limit);
      }
      return () => decodeSampleCopy(bytes);
    }
    return this.selectDecoder(cellId, afterSeq, toMs, limit);
  }

  private async selectDecoder(cellId: string, afterSeq: number, toMs: number | null, limit: number) {
    const rows = await this.selectPage(cellId, afterSeq, toMs, limit);
    return () => rows;
  }

  /** The same rows as row objects (the fallback; bench/replay.bench.ts times this SELECT as its baseline). */
  private async selectPage(
    cellId: string,
    afterSeq: number,
    toMs: number | null,
    limit: number,
  ): Promise<SamplePoint[]> {
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

  /**
   * Up to `limit` stored spectra of the cells after `after` in (ts, id) order, before `toMs`: the
   * measurement only, re-processed by the replay (its live fit is not reused).
   */
  async spectraPage(
    cellIds: readonly string[],
    after: SpectrumKey,
    toMs: number | null,
    limit: number,
  ): Promise<PageDecoder<ReplaySpectrum>> {
    const { rows } = await this.db.pool.query<{
      id: number;
      cell_id: string;
      ts: Date;
      ts_key: string;
      soc: number | null;
      temperature_c: number | null;
      cycle: number | null;
      points: ReplaySpectrum['points'];
      circuit: string | null;
    }>(
      `SELECT id, cell_id, ts, ts::text AS ts_key, soc, temperature_c, cycle, points, circuit
       FROM spectra
       WHERE cell_id = ANY($1)
         AND ($2::timestamptz IS NULL OR (ts, id) > ($2::timestamptz, $3::bigint))
         AND ($4::float8 IS NULL OR ts < to_timestamp($4 / 1000.0))
       ORDER BY ts, id LIMIT $5`,
      [cellIds, after?.tsKey ?? null, after?.id ?? null, toMs, limit],
    );
    return () =>
      rows.map((r) => ({
        id: r.id,
        cellId: r.cell_id,
        // Date.parse(toISOString()) of pg's Date, as the live processor computes it
        tsMs: r.ts.getTime(),
        tsKey: r.ts_key,
        soc: r.soc,
        temperatureC: r.temperature_c,
        cycle: r.cycle,
        points: r.points,
        circuit: r.circuit,
      }));
  }
}

/** SQLSTATE class 0A (feature not supported) or a server that answers COPY with a protocol error. */
function isCopyUnsupported(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '0A000' || code === '08P01' || code === '42601';
}
