import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Sends one `COPY … FROM STDIN` payload on a client and resolves when the server has taken it
 * (CommandComplete); rejects with the server's error (e.g. a unique violation) otherwise.
 */
export function copyIn(client: pg.PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(payload);
  });
}
