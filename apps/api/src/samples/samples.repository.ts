import { Injectable } from '@nestjs/common';
import type { SamplePoint } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';
import { copyIn } from '../database/copy-in';
import { encodeSampleCopy, SAMPLE_COPY_SQL, seqRangesByCell } from './sample-copy';

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

const NOT_KNOWN = (): boolean => false;

/** An announcement only ever lowers where the owner's catch-up starts. */
const LOWER_PENDING_MIN_SEQ = `ON CONFLICT (cell_id) DO UPDATE
  SET min_seq = LEAST(twin_pending.min_seq, EXCLUDED.min_seq), updated_at = now()`;

/** SQLSTATE unique_violation: another writer stored one of the keys first. */
const UNIQUE_VIOLATION = '23505';

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
   * Writes a batch and returns the (cell, seq) pairs that were new; the rest were already stored.
   *
   * Rows of cells whose lease `owner` does not hold are announced in `twin_pending` for the holder
   * (flag `pending`): by the writing transaction itself, which reads the lease rows FOR KEY SHARE so
   * a take-over waits for it, or (COPY on PostgreSQL) right after the COPY has committed.
   *
   * On a server that takes COPY, the new rows go in by binary COPY (several times cheaper on both
   * sides than the INSERT's array parameters); PGlite, or a batch holding an already stored key, takes
   * the single INSERT … ON CONFLICT statement.
   *
   * `surelyHeld` names cells whose lease `owner` is known to hold past the commit (see
   * CellOwnershipService.surelyHolds): after a COPY nobody need ask the database about them.
   */
  async insertBatch(
    batch: readonly SampleToWrite[],
    owner: string,
    surelyHeld: (cellId: string) => boolean = NOT_KNOWN,
  ): Promise<InsertedSample[]> {
    if (batch.length === 0) return [];
    if (this.db.copyIn) {
      const copied = await this.copyBatch(batch, owner, surelyHeld);
      if (copied) return copied;
    }
    return this.insertBatchByStatement(batch, owner);
  }

  /**
   * The batch by binary COPY; null when one of its keys is already stored (the caller then writes it
   * with ON CONFLICT). On PostgreSQL the COPY runs on its own and who steps the rows is settled after
   * it has committed (copyThenAnnounce: the COPY in one round trip, then one statement unless every
   * cell is surely held); on TimescaleDB, whose unique index carries ts, a probe for stored keys must
   * come first, in one transaction with the COPY (copyInTransaction).
   */
  async copyBatch(
    batch: readonly SampleToWrite[],
    owner: string,
    surelyHeld: (cellId: string) => boolean = NOT_KNOWN,
  ): Promise<InsertedSample[] | null> {
    return this.db.variant === 'postgresql'
      ? this.copyThenAnnounce(batch, owner, surelyHeld)
      : this.copyInTransaction(batch, owner);
  }

  /**
   * COPY in autocommit, then one statement that reads which of the batch's cells `owner` holds and
   * announces the others' rows in twin_pending. Deciding after the commit needs no lease lock: a
   * take-over before the check makes it announce the rows to the new owner (whose load may already
   * hold them: it recomputes, nothing is lost); one after it loads them. A unique violation aborts
   * the whole COPY, so nothing of it is kept. Unlike the transaction, the two steps can be split by
   * a failure: rows committed whose announcement failed are answered 503, and their resend, all
   * duplicates, goes the ON CONFLICT way, which announces cells held elsewhere from the whole batch.
   *
   * Cells `surelyHeld` at the commit are left out of the statement (no take-over can have come before
   * it); when that is all of them, the statement is not sent at all.
   */
  private async copyThenAnnounce(
    batch: readonly SampleToWrite[],
    owner: string,
    surelyHeld: (cellId: string) => boolean,
  ): Promise<InsertedSample[] | null> {
    const client = await this.db.writerPool.connect();
    let broken: Error | undefined;
    try {
      try {
        await copyIn(client, SAMPLE_COPY_SQL, encodeSampleCopy(batch));
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
        throw error;
      }
      const ranges = seqRangesByCell(batch);
      const cellIds = [...ranges.keys()].filter((c) => !surelyHeld(c)).sort();
      const heldElsewhere = new Set<string>();
      if (cellIds.length > 0) {
        const { rows } = await client.query<{ cell_id: string }>(
          `WITH held AS (
             SELECT cell_id FROM cell_leases
             WHERE owner = $1 AND expires_at > now() AND cell_id = ANY($2::text[])),
           pend AS (
             INSERT INTO twin_pending (cell_id, min_seq)
             SELECT c, s FROM unnest($2::text[], $3::bigint[]) AS u(c, s)
             WHERE c NOT IN (SELECT cell_id FROM held)
             ORDER BY c
             ${LOWER_PENDING_MIN_SEQ})
           SELECT cell_id FROM held`,
          [owner, cellIds, cellIds.map((c) => ranges.get(c)!.lo)],
        );
        const ours = new Set(rows.map((r) => r.cell_id));
        for (const cellId of cellIds) if (!ours.has(cellId)) heldElsewhere.add(cellId);
      }
      return batch.map((r) => ({
        cell_id: r.cellId,
        seq: r.sample.seq,
        pending: heldElsewhere.has(r.cellId),
      }));
    } catch (error) {
      // A COPY that failed mid-stream may leave the connection unusable: the pool must drop it.
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Lease rows FOR KEY SHARE, then one probe per cell for the (cell, seq) keys already stored, COPY of
   * the rest, the twin_pending upsert, COMMIT — one transaction on one connection. Null when another
   * writer committed one of these keys between the probe and the COPY (unique violation): nothing
   * of this attempt is kept, and the caller writes the batch with ON CONFLICT instead.
   *
   * On TimescaleDB the unique index carries ts, so a racing resend with a different ts for the same
   * (cell, seq) is not caught here — no more than by the INSERT path's NOT EXISTS guard.
   */
  private async copyInTransaction(
    batch: readonly SampleToWrite[],
    owner: string,
  ): Promise<InsertedSample[] | null> {
    const ranges = seqRangesByCell(batch);
    const cellIds = [...ranges.keys()].sort();
    const dense: { cellId: string; lo: number; hi: number }[] = [];
    const sparseCells: string[] = [];
    const sparseSeqs: number[] = [];
    for (const cellId of cellIds) {
      const r = ranges.get(cellId)!;
      // A range scan reads every stored key in [lo, hi]; worth it unless the batch's seqs are scattered.
      if (r.hi - r.lo < 4 * r.n) dense.push({ cellId, lo: r.lo, hi: r.hi });
    }
    if (dense.length < cellIds.length) {
      const denseIds = new Set(dense.map((d) => d.cellId));
      for (const { cellId, sample } of batch) {
        if (denseIds.has(cellId)) continue;
        sparseCells.push(cellId);
        sparseSeqs.push(sample.seq);
      }
    }
    const client = await this.db.writerPool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // One round trip for the leases we hold (seq null) and the keys already stored. The leases
      // are locked FOR KEY SHARE: a take-over (FOR UPDATE) waits for this commit, a renewal does not.
      // The probe is an index probe per cell. As a join (or a plain LATERAL, which the planner
      // flattens into one) it hashes the arrays against a scan of the whole samples table: 89 ms
      // instead of 3 at 400k rows. OFFSET 0 keeps each subquery a parameterised index scan.
      const found = await client.query<{ cell_id: string; seq: number | null }>(
        `WITH held AS (
           SELECT cell_id FROM cell_leases
           WHERE owner = $1 AND expires_at > now() AND cell_id = ANY($2::text[])
           FOR KEY SHARE)
         SELECT cell_id, NULL::bigint AS seq FROM held
         UNION ALL
         SELECT r.c, x.seq
         FROM unnest($3::text[], $4::bigint[], $5::bigint[]) AS r(c, lo, hi)
         CROSS JOIN LATERAL (
           SELECT s.seq FROM samples s WHERE s.cell_id = r.c AND s.seq BETWEEN r.lo AND r.hi OFFSET 0) x
         UNION ALL
         SELECT p.c, x.seq
         FROM unnest($6::text[], $7::bigint[]) AS p(c, q)
         CROSS JOIN LATERAL (SELECT s.seq FROM samples s WHERE s.cell_id = p.c AND s.seq = p.q OFFSET 0) x`,
        [
          owner,
          cellIds,
          dense.map((d) => d.cellId),
          dense.map((d) => d.lo),
          dense.map((d) => d.hi),
          sparseCells,
          sparseSeqs,
        ],
      );
      const ours = new Set<string>();
      const have = new Set<string>();
      for (const r of found.rows) {
        if (r.seq === null) ours.add(r.cell_id);
        else have.add(`${r.cell_id}\u0000${r.seq}`);
      }
      const fresh =
        have.size === 0 ? batch : batch.filter((r) => !have.has(`${r.cellId}\u0000${r.sample.seq}`));
      if (fresh.length > 0) await copyIn(client, SAMPLE_COPY_SQL, encodeSampleCopy(fresh));
      const freshRanges = seqRangesByCell(fresh);
      const pendingCells = [...freshRanges.keys()].filter((c) => !ours.has(c)).sort();
      if (pendingCells.length > 0) {
        await client.query(
          `INSERT INTO twin_pending (cell_id, min_seq)
           SELECT c, s FROM unnest($1::text[], $2::bigint[]) AS u(c, s)
           ${LOWER_PENDING_MIN_SEQ}`,
          [pendingCells, pendingCells.map((c) => freshRanges.get(c)!.lo)],
        );
      }
      await client.query('COMMIT');
      return fresh.map((r) => ({ cell_id: r.cellId, seq: r.sample.seq, pending: !ours.has(r.cellId) }));
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is gone: the pool must not hand it out again.
        broken = rollbackError as Error;
      }
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * The whole batch as one INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING statement. Cells held
   * elsewhere are announced from the whole batch, duplicates included: a resend of rows that were
   * committed by an earlier attempt whose announcement failed (copyThenAnnounce) still reaches
   * their owner, which finds them stored and steps them.
   */
  async insertBatchByStatement(batch: readonly SampleToWrite[], owner: string): Promise<InsertedSample[]> {
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
    const { rows } = await this.db.writerPool.query<InsertedSample>(
      `WITH ins AS (${INSERT_FROM_UNNEST}${guard} ON CONFLICT DO NOTHING RETURNING cell_id, seq),
       held AS (
         SELECT cell_id FROM cell_leases
         WHERE owner = $9 AND expires_at > now() AND cell_id = ANY($10::text[])
         FOR KEY SHARE),
       pend AS (
         INSERT INTO twin_pending (cell_id, min_seq)
         SELECT c, min(s) FROM unnest($1::text[], $2::bigint[]) AS b(c, s)
         WHERE c NOT IN (SELECT cell_id FROM held)
         GROUP BY c ORDER BY c
         ${LOWER_PENDING_MIN_SEQ}
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
