import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { IMPORT_ID_PATTERN, importRoom } from './import-progress';

type Ack = (answer: unknown) => void;

/**
 * Import rooms on the shared `/live` namespace (its connection auth applies here too). Clients join
 * with `subscribe {importId}`, the contract, or `subscribeImport {importId}`. The cell
 * `subscribe` handler lives in the live gateway and knows only cellId, so a per-socket middleware
 * answers the importId form first and does not pass it on.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class ImportsGateway implements OnGatewayConnection {
  handleConnection(socket: Socket): void {
    socket.use((packet, next) => {
      const [event, body] = packet;
      const ack = packet[packet.length - 1] as unknown;
      const isImport =
        event === 'subscribe' &&
        typeof (body as { importId?: unknown } | null)?.importId === 'string' &&
        (body as { cellId?: unknown }).cellId === undefined;
      if (!isImport) return next();
      void this.join(socket, body).then((answer) => {
        if (typeof ack === 'function') (ack as Ack)(answer);
      });
    });
  }

  @SubscribeMessage('subscribeImport')
  subscribeImport(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    return this.join(socket, body);
  }

  private async join(socket: Socket, body: unknown) {
    const importId = (body as { importId?: unknown } | null)?.importId;
    if (typeof importId !== 'string' || !IMPORT_ID_PATTERN.test(importId)) {
      return { ok: false, error: { field: 'importId', reason: 'must match [A-Za-z0-9_-]{8,64}' } };
    }
    await socket.join(importRoom(importId));
    return { ok: true, importId };
  }
}
