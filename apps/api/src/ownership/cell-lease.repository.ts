import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

/**
 * `cell_leases` and `twin_pending` (migration 040). Expiry is judged by the database clock, so
 * instances with skewed clocks still agree on who holds a cell.
 */
@Injectable()
export class CellLeaseRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Takes the cells whose lease is missing, expired or already ours and returns those now held.
   * The pending rows of a taken cell go in the same transaction: the new owner loads the twin from
   * the database, which covers every sample committed so far.
   *
   * Writers hold their cells' lease rows FOR KEY SHARE until they commit (so a renewal, a no-key
   * update, never waits for them). The upsert below is a no-key update too, so the rows are first
   * locked FOR UPDATE: that waits for those writers, and their rows are visible to the new owner.
   */
  async claim(owner: string, cellIds: readonly string[], ttlMs: number): Promise<string[]> {
    if (cellIds.length === 0) return [];
    const client = await this.db.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query(
        'SELECT 1 FROM cell_leases WHERE cell_id = ANY($1::text[]) ORDER BY cell_id FOR UPDATE',
        [cellIds],
      );
      const { rows } = await client.query<{ cell_id: string }>(
        `WITH claimed AS (
           INSERT INTO cell_leases (cell_id, owner, expires_at)
           SELECT c.id, $1, now() + $3 * interval '1 millisecond'
           FROM cells c WHERE c.id = ANY($2::text[])
           ON CONFLICT (cell_id) DO UPDATE
             SET owner = EXCLUDED.owner,
                 epoch = cell_leases.epoch + CASE WHEN cell_leases.owner = EXCLUDED.owner THEN 0 ELSE 1 END,
                 expires_at = EXCLUDED.expires_at
             WHERE cell_leases.owner = EXCLUDED.owner OR cell_leases.expires_at < now()
           RETURNING cell_id),
         cleared AS (DELETE FROM twin_pending WHERE cell_id IN (SELECT cell_id FROM claimed))
         SELECT cell_id FROM claimed`,
        [owner, cellIds, ttlMs],
      );
      await client.query('COMMIT');
      return rows.map((r) => r.cell_id);
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Cells nobody is advancing: an expired lease (its instance died or lost the database), or
   * samples pending for a cell without a lease (its owner shut down and released it).
   */
  async orphans(limit: number): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ cell_id: string }>(
      `SELECT cell_id FROM cell_leases WHERE expires_at < now()
       UNION
       SELECT p.cell_id FROM twin_pending p
       WHERE NOT EXISTS (SELECT 1 FROM cell_leases l WHERE l.cell_id = p.cell_id)
       LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.cell_id);
  }

  /** Extends every lease still ours (expired or not: nobody took it meanwhile) and lists them. */
  async renew(owner: string, ttlMs: number): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ cell_id: string }>(
      `UPDATE cell_leases SET expires_at = now() + $2 * interval '1 millisecond'
       WHERE owner = $1 RETURNING cell_id`,
      [owner, ttlMs],
    );
    return rows.map((r) => r.cell_id);
  }

  /** Hands the cells back at once (graceful shutdown), so another instance need not wait for expiry. */
  async release(owner: string): Promise<void> {
    await this.db.pool.query('DELETE FROM cell_leases WHERE owner = $1', [owner]);
  }

  /** Removes and returns the pending work of cells we hold; new rows may arrive right after. */
  async takePending(
    owner: string,
    cellIds: readonly string[],
  ): Promise<{ cellId: string; minSeq: number }[]> {
    if (cellIds.length === 0) return [];
    const { rows } = await this.db.pool.query<{ cell_id: string; min_seq: number }>(
      `DELETE FROM twin_pending p USING cell_leases l
       WHERE l.cell_id = p.cell_id AND l.owner = $1 AND p.cell_id = ANY($2::text[])
       RETURNING p.cell_id, p.min_seq`,
      [owner, cellIds],
    );
    return rows.map((r) => ({ cellId: r.cell_id, minSeq: r.min_seq }));
  }

  async holders(): Promise<{ cellId: string; owner: string; epoch: number }[]> {
    const { rows } = await this.db.pool.query<{ cell_id: string; owner: string; epoch: number }>(
      'SELECT cell_id, owner, epoch FROM cell_leases ORDER BY cell_id',
    );
    return rows.map((r) => ({ cellId: r.cell_id, owner: r.owner, epoch: r.epoch }));
  }
}
