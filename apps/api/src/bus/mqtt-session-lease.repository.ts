import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

/**
 * `mqtt_session_leases` (migration 060): who answers for each persistent MQTT session. Expiry is
 * judged by the database clock, as for cell leases, so skewed instance clocks still agree.
 */
@Injectable()
export class MqttSessionLeaseRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The instance's own sessions: always its own to hold, even while a peer is draining one. */
  async holdOwn(clientIds: readonly string[], holder: string, ttlMs: number): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO mqtt_session_leases (client_id, holder, expires_at)
       SELECT id, $2, now() + $3 * interval '1 millisecond' FROM unnest($1::text[]) AS id
       ON CONFLICT (client_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at`,
      [clientIds, holder, ttlMs],
    );
  }

  /** Takes up to `limit` sessions not ours that nobody has renewed for `graceMs` past their expiry. */
  async adoptExpired(
    ownClientIds: readonly string[],
    holder: string,
    ttlMs: number,
    graceMs: number,
    limit: number,
  ): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ client_id: string }>(
      `UPDATE mqtt_session_leases SET holder = $2, expires_at = now() + $3 * interval '1 millisecond'
       WHERE client_id IN (
         SELECT client_id FROM mqtt_session_leases
         WHERE client_id <> ALL($1::text[]) AND expires_at < now() - $4 * interval '1 millisecond'
         ORDER BY expires_at LIMIT $5 FOR UPDATE SKIP LOCKED)
       RETURNING client_id`,
      [ownClientIds, holder, ttlMs, graceMs, limit],
    );
    return rows.map((r) => r.client_id);
  }

  /** Extends an adopted lease; false once its instance has come back and holds it again. */
  async extend(clientId: string, holder: string, ttlMs: number): Promise<boolean> {
    const { rowCount } = await this.db.pool.query(
      `UPDATE mqtt_session_leases SET expires_at = now() + $3 * interval '1 millisecond'
       WHERE client_id = $1 AND holder = $2`,
      [clientId, holder, ttlMs],
    );
    return rowCount === 1;
  }

  /** A drained session out of the share group: nobody needs to answer for it until its instance returns. */
  async release(clientId: string, holder: string): Promise<void> {
    await this.db.pool.query('DELETE FROM mqtt_session_leases WHERE client_id = $1 AND holder = $2', [
      clientId,
      holder,
    ]);
  }
}
