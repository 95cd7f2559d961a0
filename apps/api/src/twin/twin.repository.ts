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

  async saveCheckpoint(cellId: string, seq: number, state: CellTwinState): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO twin_checkpoints (cell_id, seq, state) VALUES ($1, $2, $3)
       ON CONFLICT (cell_id, seq) DO UPDATE SET state = EXCLUDED.state, created_at = now()`,
      [cellId, seq, JSON.stringify(state)],
    );
  }

  /** A late sample invalidates every checkpoint at or after its seq. */
  async dropCheckpointsFrom(cellId: string, seq: number): Promise<void> {
    await this.db.pool.query('DELETE FROM twin_checkpoints WHERE cell_id = $1 AND seq >= $2', [cellId, seq]);
  }

  async saveLatest(states: { cellId: string; seq: number; payload: TwinStatePayload }[]): Promise<void> {
    if (states.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO twin_latest (cell_id, seq, payload, updated_at)
       SELECT c, s, p, now() FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) AS u(c, s, p)
       ON CONFLICT (cell_id) DO UPDATE SET seq = EXCLUDED.seq, payload = EXCLUDED.payload, updated_at = now()`,
      [states.map((s) => s.cellId), states.map((s) => s.seq), states.map((s) => JSON.stringify(s.payload))],
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
    if (cycles.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO cell_cycles (cell_id, cycle_index, summary)
       SELECT $1, i, s FROM unnest($2::int[], $3::jsonb[]) AS u(i, s)
       ON CONFLICT (cell_id, cycle_index) DO UPDATE SET summary = EXCLUDED.summary`,
      [cellId, cycles.map((c) => c.index), cycles.map((c) => JSON.stringify(c))],
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
