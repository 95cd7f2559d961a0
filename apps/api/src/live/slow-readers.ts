/** engine.io's connection, as far as watching its outgoing queue needs it. */
export interface EngineConnection {
  writeBuffer: unknown[];
  on(event: 'packetCreate' | 'drain' | 'close', listener: () => void): void;
}

/**
 * Browsers that read slower than states are pushed. A socket whose engine.io queue (packets waiting
 * because the TCP send buffer is full) reaches `maxQueued` is congested: superseded events (`twin`)
 * skip it, so its memory stays bounded however slow it reads, and when its queue has drained it is
 * told (`onRecovered`) so it can be brought up to date with the current states.
 */
export class SlowReaders {
  private readonly congested = new Set<string>();

  constructor(
    private readonly maxQueued: number,
    private readonly onRecovered: (socketId: string) => void,
  ) {}

  watch(socketId: string, conn: EngineConnection): void {
    conn.on('packetCreate', () => {
      if (conn.writeBuffer.length >= this.maxQueued) this.congested.add(socketId);
    });
    conn.on('drain', () => {
      if (this.congested.delete(socketId)) this.onRecovered(socketId);
    });
    conn.on('close', () => this.congested.delete(socketId));
  }

  /** Ids of the congested sockets (each socket.io socket is in a room named by its id). */
  get ids(): string[] {
    return [...this.congested];
  }

  get size(): number {
    return this.congested.size;
  }
}
