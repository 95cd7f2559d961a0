import { io, type Socket } from 'socket.io-client';

export interface IngestAck {
  accepted: number;
  duplicates: number;
  rejected: { index: number; field: string; reason: string }[];
}

export interface WireSample {
  seq: number;
  ts: number;
  voltageV: number;
  currentA: number;
  temperatureC?: number;
  cycle?: number;
  step?: number;
}

const ACK_TIMEOUT_MS = 10_000;

/** Resolves true once `pending()` reaches 0, false if `timeoutMs` passes first. */
export async function untilNonePending(pending: () => number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (pending() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return pending() === 0;
}

/**
 * One rig's socket to `/rigs`. Each cell has a FIFO of batches with one in flight; a batch leaves
 * the queue only when the server acknowledges it as committed, so a dropped connection, a timeout
 * or a 503-style error just means the same batch is sent again (the server de-duplicates by seq).
 */
export class RigConnection {
  readonly socket: Socket;
  private readonly queues = new Map<string, { samples: WireSample[]; sentAtMs: number[] }[]>();
  private readonly busy = new Set<string>();
  onAck: (cellId: string, ack: IngestAck, batch: WireSample[]) => void = () => {};
  onError: (cellId: string, message: string) => void = () => {};

  constructor(url: string, token: string) {
    this.socket = io(`${url.replace(/\/$/, '')}/rigs`, {
      auth: { token },
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 2000,
    });
    this.socket.on('connect', () => {
      for (const cellId of this.queues.keys()) void this.pump(cellId);
    });
  }

  get pendingBatches(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  send(cellId: string, samples: WireSample[]): void {
    let queue = this.queues.get(cellId);
    if (!queue) this.queues.set(cellId, (queue = []));
    queue.push({ samples, sentAtMs: [] });
    void this.pump(cellId);
  }

  private async pump(cellId: string): Promise<void> {
    if (this.busy.has(cellId)) return;
    this.busy.add(cellId);
    try {
      const queue = this.queues.get(cellId)!;
      while (queue.length > 0 && this.socket.connected) {
        const batch = queue[0];
        try {
          const reply = (await this.socket
            .timeout(ACK_TIMEOUT_MS)
            .emitWithAck('samples', { cellId, samples: batch.samples })) as
            IngestAck | { error: { message: string; retryAfterMs?: number } };
          if ('error' in reply) {
            this.onError(cellId, reply.error.message);
            await new Promise((r) => setTimeout(r, reply.error.retryAfterMs ?? 1000));
            continue;
          }
          queue.shift();
          this.onAck(cellId, reply, batch.samples);
        } catch {
          // no ack in time: keep the batch, resend once the socket is (re)connected
          if (!this.socket.connected) break;
        }
      }
    } finally {
      this.busy.delete(cellId);
    }
  }

  drain(timeoutMs: number): Promise<boolean> {
    return untilNonePending(() => this.pendingBatches, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}
