import type { Namespace } from 'socket.io';
import * as ws from 'ws';
import type { LiveClientEventMap } from './live-events';

// ws exports its frame builder (socket.io's adapter uses it the same way); @types/ws leaves it out.
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: typeof TEXT_FRAME): Buffer[] };
};

/** A `twin` event encoded once, with the rooms it goes to. */
export interface EncodedTwin {
  rooms: readonly string[];
  /** The socket.io packet as the server's encoder writes it (`2/live,["twin",{…}]`). */
  packet: string;
}

/** socket.io protocol v5 packet type of an event. */
const EVENT_PACKET = 2;
/** A final, unmasked text frame: what the server's own broadcast pre-computes. */
const TEXT_FRAME = { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true } as const;

export function encodeTwin(
  namespace: Namespace,
  rooms: readonly string[],
  payload: LiveClientEventMap['twin'],
): EncodedTwin {
  const [packet] = namespace.server.encoder.encode({
    type: EVENT_PACKET,
    nsp: namespace.name,
    data: ['twin', payload],
  });
  return { rooms, packet: packet as string };
}

/**
 * Writes an encoded state to this instance's sockets in any of its rooms, each once, skipping
 * `except` (socket ids) — what `namespace.local.to(rooms).except(ids).emit(…)` does, minus the
 * encode: a state that came from another instance is written as that instance encoded it, and a
 * state made here is encoded once for the local sockets and the other instances. As socket.io's
 * own broadcast does, the WebSocket frame is built once for all sockets (engine.io writes it as
 * is) and the packet string serves a socket still on HTTP long-polling.
 */
export function writeToLocalRooms(
  namespace: Namespace,
  twin: EncodedTwin,
  except: ReadonlySet<string> | null,
): void {
  const rooms = namespace.adapter.rooms;
  const members =
    twin.rooms.length === 1
      ? rooms.get(twin.rooms[0])
      : new Set(twin.rooms.flatMap((room) => [...(rooms.get(room) ?? [])]));
  if (!members || members.size === 0) return;
  const options = { wsPreEncodedFrame: Sender.frame(Buffer.from('4' + twin.packet), TEXT_FRAME) };
  for (const id of members) {
    if (except?.has(id)) continue;
    namespace.sockets.get(id)?.conn.write(twin.packet, options as object);
  }
}
