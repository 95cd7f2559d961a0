import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { Subject } from 'rxjs';
import type { Namespace, Server } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { requireSocketRoles, type AuthedSocket } from '../auth/socket-auth';
import { CellsService } from '../cells/cells.service';
import { TwinService } from '../twin/twin.service';
import { cellRoom, replayRoom, type LiveClientEventMap } from './live-events';

/**
 * `/live`: browsers subscribe to cells and receive `twin` states. It is also the one place the
 * service reaches browsers: everything else calls `clientSend`.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class LiveGateway implements OnGatewayInit {
  private readonly logger = new Logger('live');
  @WebSocketServer() private namespace!: Namespace;
  /** Every event sent (name and room), for metrics. */
  readonly sent$ = new Subject<{ event: keyof LiveClientEventMap; rooms: string[] }>();

  constructor(
    private readonly auth: AuthService,
    private readonly cells: CellsService,
    private readonly twin: TwinService,
  ) {}

  afterInit(namespace: Namespace): void {
    requireSocketRoles(namespace, this.auth, ['admin', 'viewer']);
  }

  /** Several rooms in one call reach a socket that is in more than one of them only once. */
  clientSend<E extends keyof LiveClientEventMap>(
    event: E,
    room: string | string[],
    payload: LiveClientEventMap[E],
  ): void {
    this.namespace.to(room).emit(event, payload);
    this.sent$.next({ event, rooms: Array.isArray(room) ? room : [room] });
  }

  /** The socket.io server behind every namespace (rig counts, shutdown notices). */
  get io(): Server | null {
    return this.namespace?.server ?? null;
  }

  get connectedClients(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  /** The replays module says which replay ids exist (the gateway cannot depend on it). */
  private replayExists: ((replayId: string) => boolean) | null = null;

  useReplayLookup(exists: (replayId: string) => boolean): void {
    this.replayExists = exists;
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: AuthedSocket, @MessageBody() body: unknown) {
    const replayId = (body as { replayId?: unknown } | null)?.replayId;
    if (replayId !== undefined) {
      if (typeof replayId !== 'string' || !this.replayExists?.(replayId))
        return { ok: false, error: { field: 'replayId', reason: 'unknown replay' } };
      await socket.join(replayRoom(replayId));
      return { ok: true };
    }
    const cellId = (body as { cellId?: unknown } | null)?.cellId;
    if (typeof cellId !== 'string') return { ok: false, error: { field: 'cellId', reason: 'required' } };
    if (!(await this.cells.find(cellId)))
      return { ok: false, error: { field: 'cellId', reason: 'unknown cell' } };
    await socket.join(cellRoom(cellId));
    try {
      return { ok: true, state: await this.twin.current(cellId) };
    } catch (error) {
      this.logger.warn(`subscribe ${cellId}: ${(error as Error).message}`);
      return { ok: true, state: null };
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: AuthedSocket, @MessageBody() body: unknown) {
    const replayId = (body as { replayId?: unknown } | null)?.replayId;
    if (typeof replayId === 'string') {
      await socket.leave(replayRoom(replayId));
      return { ok: true };
    }
    const cellId = (body as { cellId?: unknown } | null)?.cellId;
    if (typeof cellId !== 'string') return { ok: false, error: { field: 'cellId', reason: 'required' } };
    await socket.leave(cellRoom(cellId));
    return { ok: true };
  }
}
