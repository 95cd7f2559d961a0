import type { Socket } from 'node:net';
import type pg from 'pg';

/** The parts of pg's connection a submittable query is handed. */
interface PgConnection {
  stream: Pick<Socket, 'write' | 'cork' | 'uncork'>;
}

/** Frontend message types of the PostgreSQL wire protocol (protocol-message-formats). */
const QUERY = 0x51; // 'Q'
const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'

function header(type: number, bodyBytes: number): Buffer {
  const out = Buffer.allocUnsafe(5);
  out[0] = type;
  out.writeUInt32BE(bodyBytes + 4, 1);
  return out;
}

/**
 * `COPY … FROM STDIN` sent in one write: the Query message, the payload as one CopyData and the
 * CopyDone leave together, instead of waiting a round trip for the server's CopyInResponse and then
 * writing each piece on its own (pg-copy-streams: three system calls and two round trips per COPY,
 * each one waking the other process on a busy machine).
 *
 * The protocol allows sending ahead (PostgreSQL docs, "Message Flow" › COPY Operations): a server
 * that fails the statement before copy-in mode, or fails during it (a unique violation), answers
 * ErrorResponse and drops the CopyData and CopyDone that follow.
 *
 * pg calls the handle* methods on the active query as the server's messages arrive. On an
 * ErrorResponse pg detaches the query before the ReadyForQuery, so an error settles it at once.
 */
class PipelinedCopyIn {
  private settled = false;

  constructor(
    private readonly sql: string,
    private readonly payload: Buffer,
    private readonly settle: (error: Error | null) => void,
  ) {}

  /** pg replaces this with its own when a query_timeout is set, and expects it called at the end. */
  callback(): void {}

  submit(connection: PgConnection): void {
    const sql = Buffer.from(`${this.sql}\0`, 'utf8');
    const stream = connection.stream;
    stream.cork();
    stream.write(header(QUERY, sql.length));
    stream.write(sql);
    stream.write(header(COPY_DATA, this.payload.length));
    stream.write(this.payload);
    stream.write(header(COPY_DONE, 0));
    stream.uncork();
  }

  handleCopyInResponse(): void {
    // The data went with the statement.
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.finish(null);
  }

  handleError(error: Error): void {
    this.finish(error);
  }

  private finish(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.callback();
    this.settle(error);
  }
}

/**
 * Sends one `COPY … FROM STDIN` payload on a client and resolves when the server has taken it
 * (CommandComplete, ReadyForQuery); rejects with the server's error (e.g. a unique violation).
 */
export function copyIn(client: pg.PoolClient, sql: string, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const copy = new PipelinedCopyIn(sql, payload, (error) => (error ? reject(error) : resolve()));
    client.query(copy as unknown as pg.Submittable);
  });
}
