import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

/**
 * `mqtt_session_leases` (migration 060): who answers for each persistent MQTT session. Expiry is
 * judged by the database clock, as for cell leases, so skewed instance clocks still agree.
 */
@Injectable()
export class MqttSessionLeaseRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The instance's own session: always its own to hold, even while a peer is draining it. */
  async holdOwn(clientId: string, holder: string, ttlMs: number): Promise<void> {
    await this.db.pool.query(
      `INSERT INTO mqtt_session_leases (client_id, holder, expires_at)
       VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (client_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at`,
      [clientId, holder, ttlMs],
    );
  }

  /** Takes one other session nobody has renewed for `graceMs` past its expiry; null when there is none. */
  async adoptExpired(
    ownClientId: string,
    holder: string,
    ttlMs: number,
    graceMs: number,
  ): Promise<string | null> {
    const { rows } = await this.db.pool.query<{ client_id: string }>(
      `UPDATE mqtt_session_leases SET holder = $2, expires_at = now() + $3 * interval '1 millisecond'
       WHERE client_id = (
         SELECT client_id FROM mqtt_session_leases
         WHERE client_id <> $1 AND expires_at < now() - $4 * interval '1 millisecond'
         ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING client_id`,
      [ownClientId, holder, ttlMs, graceMs],
    );
    return rows[0]?.client_id ?? null;
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
