import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { Subject } from 'rxjs';
import type { Namespace, Server } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { requireSocketRoles, type AuthedSocket } from '../auth/socket-auth';
import { CellsService } from '../cells/cells.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { instanceRelay, type InstanceRelay } from '../scale/redis-io.adapter';
import { TwinService } from '../twin/twin.service';
import { CELL_ROOM_PREFIX, cellRoom, replayRoom, type LiveClientEventMap } from './live-events';
import { SlowReaders, type EngineConnection } from './slow-readers';
import { encodeTwin, writeToLocalRooms, type EncodedTwin } from './encoded-twin';
import { decodeTwinBatch, encodeTwinBatch } from './twin-batch-codec';

type PendingTwin = { room: string | string[]; payload: LiveClientEventMap['twin'] };

/** Instance-to-instance topic (Redis) carrying one turn's encoded `twin` states. */
const TWIN_BATCH_TOPIC = 'live#twin-batch';

/**
 * `/live`: browsers subscribe to cells and receive `twin` states. It is also the one place the
 * service reaches browsers: everything else calls `clientSend`.
 */
@WebSocketGateway({ namespace: '/live', cors: { origin: true } })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('live');
  @WebSocketServer() private namespace!: Namespace;
  /** Every event sent (name and room), for metrics. */
  readonly sent$ = new Subject<{ event: keyof LiveClientEventMap; rooms: readonly string[] }>();
  private readonly slowReaders: SlowReaders;
  private readonly pendingTwins: PendingTwin[] = [];
  private twinFlush: NodeJS.Immediate | null = null;
  /** Set when other instances share the rooms: each turn's states then reach them in one message. */
  private relay: InstanceRelay | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
    private readonly cells: CellsService,
    private readonly twin: TwinService,
  ) {
    this.slowReaders = new SlowReaders(config.liveMaxQueuedPackets, (id) => this.catchUp(id));
  }

  afterInit(namespace: Namespace): void {
    requireSocketRoles(namespace, this.auth, ['admin', 'viewer']);
    this.relay = instanceRelay(namespace.server);
    this.relay?.subscribe(TWIN_BATCH_TOPIC, (message) => this.emitTwins(decodeTwinBatch(message)));
  }

  handleConnection(socket: AuthedSocket): void {
    this.slowReaders.watch(socket.id, socket.conn as unknown as EngineConnection);
  }

  /**
   * Several rooms in one call reach a socket that is in more than one of them only once. `twin`
   * states are sent together once per event-loop turn (see flushTwins) and skip sockets that cannot
   * keep up (SlowReaders): a newer state supersedes them anyway.
   */
  clientSend<E extends keyof LiveClientEventMap>(
    event: E,
    room: string | string[],
    payload: LiveClientEventMap[E],
  ): void {
    if (event === 'twin') {
      this.pendingTwins.push({ room, payload: payload as LiveClientEventMap['twin'] });
      this.twinFlush ??= setImmediate(() => this.flushTwins());
      return;
    }
    this.namespace.to(room).emit(event, payload);
    this.sent$.next({ event, rooms: Array.isArray(room) ? room : [room] });
  }

  /**
   * States made in one turn (a committed batch's cells, a replay slice) go out in one burst: engine.io
   * then writes each socket's share in one or two system calls instead of one per state, which was a
   * quarter of the service's CPU when every sample's state was pushed. Each state is encoded once,
   * for this instance's sockets and the others alike; the other instances get the whole burst as one
   * Redis message of encoded packets (twin-batch-codec) and write them out without decoding a thing.
   * Through the adapter each state had been encoded, published, decoded and encoded again; through
   * `serverSideEmit` as one JSON message, stringified, parsed and re-encoded: about a fifth of each
   * instance's main thread in the two-instance fan-out bench.
   */
  private flushTwins(): void {
    this.twinFlush = null;
    const pending = this.pendingTwins.splice(0);
    const batch = pending.map(({ room, payload }) =>
      encodeTwin(this.namespace, Array.isArray(room) ? room : [room], payload),
    );
    this.emitTwins(batch);
    this.relay?.publish(TWIN_BATCH_TOPIC, encodeTwinBatch(batch));
    for (const { rooms } of batch) this.sent$.next({ event: 'twin', rooms });
  }

  /** To this instance's sockets only, skipping its slow readers. */
  private emitTwins(batch: readonly EncodedTwin[]): void {
    const except = this.slowReaders.size > 0 ? new Set(this.slowReaders.ids) : null;
    for (const twin of batch) writeToLocalRooms(this.namespace, twin, except);
  }

  /** A socket that read too slowly and has caught up gets the current state of each cell it watches. */
  private catchUp(socketId: string): void {
    const socket = this.namespace.sockets.get(socketId);
    if (!socket) return;
    for (const room of socket.rooms) {
      if (!room.startsWith(CELL_ROOM_PREFIX)) continue;
      const cellId = room.slice(CELL_ROOM_PREFIX.length);
      this.twin.current(cellId).then(
        (state) => state && socket.emit('twin', state),
        (error: Error) => this.logger.warn(`catch-up ${cellId}: ${error.message}`),
      );
    }
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
