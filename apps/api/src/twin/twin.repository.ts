import { Injectable } from '@nestjs/common';
import type { CycleSummary, TwinStatePayload } from '@twin/contracts';
import type { CellTwinState } from '@twin/twin';
import { DatabaseService } from '../database/database.service';

@Injectable()
export class TwinRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Newest checkpoint strictly below `beforeSeq` (or the newest of all). */
  async checkpointBefore(
    cellId: string,
    beforeSeq: number | null,
  ): Promise<{ seq: number; state: CellTwinState } | null> {
    const { rows } = await this.db.pool.query<{ seq: number; state: CellTwinState }>(
      `SELECT seq, state FROM twin_checkpoints
       WHERE cell_id = $1 AND ($2::bigint IS NULL OR seq < $2)
       ORDER BY seq DESC LIMIT 1`,
      [cellId, beforeSeq],
    );
    return rows[0] ?? null;
  }

  /** Checkpoints of many cells in one statement; the states come serialised. */
  async saveCheckpoints(checkpoints: { cellId: string; seq: number; stateJson: string }[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO twin_checkpoints (cell_id, seq, state)
       SELECT c, s, j FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) AS u(c, s, j)
       ON CONFLICT (cell_id, seq) DO UPDATE SET state = EXCLUDED.state, created_at = now()`,
      [checkpoints.map((c) => c.cellId), checkpoints.map((c) => c.seq), checkpoints.map((c) => c.stateJson)],
    );
  }

  /** A late sample invalidates every checkpoint at or after its seq. */
  async dropCheckpointsFrom(cellId: string, seq: number): Promise<void> {
    await this.db.pool.query('DELETE FROM twin_checkpoints WHERE cell_id = $1 AND seq >= $2', [cellId, seq]);
  }

  async saveLatest(states: { cellId: string; seq: number; payload: TwinStatePayload }[]): Promise<void> {
    if (states.length === 0) return;
    // One JSON document, not a jsonb[] array: pg escapes an array literal character by character.
    await this.db.pool.query(
      `INSERT INTO twin_latest (cell_id, seq, payload, updated_at)
       SELECT e->>'cellId', (e->>'seq')::bigint, e->'payload', now() FROM jsonb_array_elements($1::jsonb) AS e
       ON CONFLICT (cell_id) DO UPDATE SET seq = EXCLUDED.seq, payload = EXCLUDED.payload, updated_at = now()`,
      [JSON.stringify(states)],
    );
  }

  /** The newest state the owning instance flushed (readers on other instances). */
  async latest(cellId: string): Promise<TwinStatePayload | null> {
    const { rows } = await this.db.pool.query<{ payload: TwinStatePayload }>(
      'SELECT payload FROM twin_latest WHERE cell_id = $1',
      [cellId],
    );
    return rows[0]?.payload ?? null;
  }

  async saveCycles(cellId: string, cycles: CycleSummary[]): Promise<void> {
    await this.saveCyclesOf(cycles.map((cycle) => ({ cellId, cycle })));
  }

  /** Cycle summaries of many cells in one statement; a cycle closed again (recompute) replaces its row. */
  async saveCyclesOf(cycles: { cellId: string; cycle: CycleSummary }[]): Promise<void> {
    if (cycles.length === 0) return;
    // One row per (cell, index) in a statement, the latest summary winning: ON CONFLICT may not touch a row twice.
    const latest = new Map(cycles.map((c) => [`${c.cellId}\u0000${c.cycle.index}`, c]));
    const rows = [...latest.values()];
    await this.db.pool.query(
      `INSERT INTO cell_cycles (cell_id, cycle_index, summary)
       SELECT c, i, s FROM unnest($1::text[], $2::int[], $3::jsonb[]) AS u(c, i, s)
       ON CONFLICT (cell_id, cycle_index) DO UPDATE SET summary = EXCLUDED.summary`,
      [rows.map((r) => r.cellId), rows.map((r) => r.cycle.index), rows.map((r) => JSON.stringify(r.cycle))],
    );
  }

  async cycles(cellId: string): Promise<CycleSummary[]> {
    const { rows } = await this.db.pool.query<{ summary: CycleSummary }>(
      'SELECT summary FROM cell_cycles WHERE cell_id = $1 ORDER BY cycle_index',
      [cellId],
    );
    return rows.map((r) => r.summary);
  }
}
