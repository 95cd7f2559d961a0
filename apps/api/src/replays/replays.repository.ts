import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import type { CellSummary, CycleAggregate } from './replay-summary';

export type ReplayStateName = 'queued' | 'running' | 'paused' | 'finished' | 'cancelled' | 'failed';

export interface StoredReplay {
  id: string;
  state: ReplayStateName;
  request: Record<string, unknown>;
  cellIds: string[];
  fraction: number;
  simulatedTs: string | null;
  samplesPerSec: number | null;
  error: string | null;
}

interface ReplayRow {
  id: string;
  state: ReplayStateName;
  request: Record<string, unknown>;
  cell_ids: string[];
  fraction: number;
  simulated_ts: Date | null;
  samples_per_sec: number | null;
  error: string | null;
}

/** Replay records and their per-cycle summaries: what outlives the replay and a restart. */
@Injectable()
export class ReplaysRepository {
  constructor(private readonly db: DatabaseService) {}

  async insert(id: string, request: Record<string, unknown>, cellIds: string[]): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO replays (id, state, request, cell_ids) VALUES ($1, 'queued', $2, $3)`,
      [id, JSON.stringify(request), cellIds],
    );
  }

  async updateState(
    id: string,
    state: ReplayStateName,
    progress: { fraction: number; simulatedTs: string | null; samplesPerSec: number | null },
    error: string | null = null,
  ): Promise<void> {
    await this.db.pool.query(
      `UPDATE replays SET state = $2, fraction = $3, simulated_ts = $4, samples_per_sec = $5, error = $6,
         updated_at = now() WHERE id = $1`,
      [id, state, progress.fraction, progress.simulatedTs, progress.samplesPerSec, error],
    );
  }

  async get(id: string): Promise<StoredReplay | null> {
    const { rows } = await this.db.pool.query<ReplayRow>(
      `SELECT id, state, request, cell_ids, fraction, simulated_ts, samples_per_sec, error
       FROM replays WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      state: r.state,
      request: r.request,
      cellIds: r.cell_ids,
      fraction: r.fraction,
      simulatedTs: r.simulated_ts?.toISOString() ?? null,
      samplesPerSec: r.samples_per_sec,
      error: r.error,
    };
  }

  /** Replays a previous process left unfinished: they cannot resume, so they are marked failed. */
  async failInterrupted(): Promise<number> {
    const { rowCount } = await this.db.pool.query(
      `UPDATE replays SET state = 'failed', error = 'interrupted by a service restart', updated_at = now()
       WHERE state IN ('queued', 'running', 'paused')`,
    );
    return rowCount ?? 0;
  }

  /** Replaces the stored summary of a replay with `cells` in one statement. */
  async saveSummary(replayId: string, cells: CellSummary[]): Promise<void> {
    const cellIds: string[] = [];
    const cycles: number[] = [];
    const bodies: string[] = [];
    for (const c of cells) {
      for (const cycle of c.cycles) {
        cellIds.push(c.cellId);
        cycles.push(cycle.cycle);
        bodies.push(JSON.stringify(cycle));
      }
    }
    const client = await this.db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM replay_summaries WHERE replay_id = $1', [replayId]);
      await client.query(
        `INSERT INTO replay_summaries (replay_id, cell_id, cycle_index, summary)
         SELECT $1, c, i, s FROM unnest($2::text[], $3::int[], $4::jsonb[]) AS u(c, i, s)`,
        [replayId, cellIds, cycles, bodies],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async summary(replayId: string, cellIds: string[]): Promise<CellSummary[]> {
    const { rows } = await this.db.pool.query<{ cell_id: string; summary: CycleAggregate }>(
      'SELECT cell_id, summary FROM replay_summaries WHERE replay_id = $1 ORDER BY cell_id, cycle_index',
      [replayId],
    );
    return cellIds.map((cellId) => ({
      cellId,
      cycles: rows.filter((r) => r.cell_id === cellId).map((r) => r.summary),
    }));
  }
}
