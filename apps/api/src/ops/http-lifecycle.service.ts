import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { LiveGateway } from '../live/live.gateway';
import { applyHttpTimeouts } from './http-timeouts';
import { OPS_CONFIG, type OpsConfig } from './ops-config';

/** Sent on `/rigs` and `/live` right before the server closes a socket on shutdown. */
export interface ShutdownNotice {
  reason: string;
  retryAfterMs: number;
}

/**
 * The HTTP server's edges: timeouts at start; on SIGTERM, in Nest's order — stop accepting
 * connections and report not-ready (destroy phase, while ingest drains and acks what it took), then
 * tell every socket why it is being closed (before-shutdown phase, next to the twin's final
 * checkpoint), and only then let Nest close the sockets and the pool.
 */
@Injectable()
export class HttpLifecycleService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('shutdown');
  draining = false;

  constructor(
    @Inject(OPS_CONFIG) private readonly config: OpsConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly live: LiveGateway,
  ) {}

  private get server(): Server | null {
    return (this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined) ?? null;
  }

  onModuleInit(): void {
    const server = this.server;
    if (server) applyHttpTimeouts(server, this.config);
  }

  onModuleDestroy(): void {
    this.draining = true;
    // Stops new connections only; requests already in flight finish and get their answers.
    if (this.server?.listening) this.server.close();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const io = this.live.io;
    if (!io) return;
    const notice: ShutdownNotice = {
      reason: `server shutting down${signal ? ` (${signal})` : ''}`,
      retryAfterMs: 1000,
    };
    let sockets = 0;
    for (const name of ['/rigs', '/live']) {
      // Local sockets only: with the Redis adapter, namespace-wide calls would reach other instances.
      for (const socket of io.of(name).sockets.values()) {
        socket.emit('shutdown', notice);
        sockets += 1;
      }
    }
    if (sockets === 0) return;
    this.logger.log(`closing ${sockets} sockets: ${notice.reason}`);
    await new Promise((r) => setTimeout(r, this.config.shutdownNoticeMs));
    for (const name of ['/rigs', '/live']) {
      for (const socket of io.of(name).sockets.values()) socket.disconnect(true);
    }
  }
}
