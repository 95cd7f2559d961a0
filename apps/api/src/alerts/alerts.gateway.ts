import { WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';

/** Room of every alert transition on `/live`, for dashboards that watch all cells. */
export const ALERTS_ROOM = 'alerts';

function wantsAlerts(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { alerts?: unknown }).alerts === true;
}

/**
 * Adds `subscribe {alerts: true}` / `unsubscribe {alerts: true}` to `/live` without touching the
 * LiveGateway. Nest shares one namespace between gateways that name it, but both gateways' handlers
 * would answer a `subscribe` (and the first ack wins), so this one works one level lower: a packet
 * middleware on each socket answers the alerts form and swallows it; every other packet passes on.
 * The namespace's auth middleware (LiveGateway, admin or viewer) has already run for these sockets.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class AlertsGateway implements OnGatewayInit {
  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.attach(socket);
      next();
    });
  }

  private attach(socket: Socket): void {
    socket.use((packet, next) => {
      const [event, body, ack] = packet as [string, unknown, unknown];
      if ((event !== 'subscribe' && event !== 'unsubscribe') || !wantsAlerts(body)) return next();
      const done = () => {
        if (typeof ack === 'function') (ack as (reply: unknown) => void)({ ok: true });
      };
      if (event === 'subscribe') void Promise.resolve(socket.join(ALERTS_ROOM)).then(done);
      else void Promise.resolve(socket.leave(ALERTS_ROOM)).then(done);
    });
  }
}
