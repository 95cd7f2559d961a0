import type { Socket as NetSocket } from 'node:net';

/** The parts of engine.io's server, socket and WebSocket transport this reaches into. */
interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  /** ws's WebSocket; `_socket` is its TCP socket. */
  socket?: { _socket?: NetSocket };
}
interface EngineSocket {
  transport: EngineTransport;
  /** Hands the queued packets to the transport when it is writable (engine.io calls it per packet). */
  flush(): void;
  on(event: 'upgrade', listener: () => void): void;
}
export interface EngineServer {
  on(event: 'connection', listener: (socket: EngineSocket) => void): void;
}

const coalesced = new WeakSet<EngineTransport>();

/**
 * engine.io sends each packet of a flush as its own WebSocket frame, and ws writes each frame with
 * its own `writev`: a burst of 40 twin states (or acks) to one socket was 40 system calls, and on
 * loopback every call also runs the receiver's TCP path. In the load bench's half-rate phase those
 * calls were ~17 % of the service's CPU. Corking the TCP socket for the length of one flush hands
 * the kernel the whole burst in one `writev`; the frames on the wire are byte for byte the same.
 * Applied to each WebSocket transport as it appears (a polling client that upgrades, too).
 *
 * A burst still took two flushes: engine.io flushes on every packet, so the first went out alone and
 * the rest waited for its write to complete. Each socket's flush therefore waits for the end of the
 * current tick (after the promise jobs of the turn: the acks of one commit, a turn's twin states), so
 * a turn's packets to one socket leave in one flush and one `writev`.
 */
export function coalesceWebSocketWrites(engine: EngineServer): void {
  engine.on('connection', (socket) => {
    flushAtEndOfTick(socket);
    const wrap = (): void => {
      const transport = socket.transport;
      const tcp = transport.socket?._socket;
      if (transport.name !== 'websocket' || coalesced.has(transport) || typeof tcp?.cork !== 'function')
        return;
      coalesced.add(transport);
      const send = transport.send.bind(transport);
      transport.send = (packets) => {
        tcp.cork();
        try {
          send(packets);
        } finally {
          tcp.uncork();
        }
      };
    };
    wrap();
    socket.on('upgrade', wrap);
  });
}

function flushAtEndOfTick(socket: EngineSocket): void {
  const flush = socket.flush.bind(socket);
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    flush();
  };
  socket.flush = () => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(run);
  };
}
