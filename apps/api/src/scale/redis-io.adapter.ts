import { randomBytes } from 'node:crypto';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { coalesceWebSocketWrites, type EngineServer } from './coalesce-ws-writes';
import { loadScaleConfig } from './scale-config';

type RedisClient = ReturnType<typeof createClient>;
// Nest's adapter carries its own copy of socket.io: take the server types from it, not from ours.
type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoServerOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * Messages between the instances that share the rooms, for what the adapter's per-event path
 * carries at too high a cost (LiveGateway sends each turn's encoded states in one message).
 */
export interface InstanceRelay {
  /** To every other instance; dropped while Redis is away, like the adapter's own publishes. */
  publish(topic: string, message: string): void;
  /** What the other instances publish on `topic` (never this instance's own messages). */
  subscribe(topic: string, onMessage: (message: string) => void): void;
}

/** Servers whose rooms span instances through Redis, with their relay (see instanceRelay). */
const relays = new WeakMap<object, InstanceRelay>();

/** The relay of a server set up by a RedisIoAdapter with Redis; null for a lone instance. */
export function instanceRelay(server: object): InstanceRelay | null {
  return relays.get(server) ?? null;
}

/**
 * socket.io across instances: with `REDIS_URL`, every room emit is also published to Redis and
 * replayed by the other instances to their own sockets, so a browser on instance A sees states of
 * cells ingested on instance B. Without it, plain in-process socket.io.
 *
 * Redis is an accelerator, never a dependency: the service starts and keeps serving its own
 * clients while Redis is down (local delivery happens before publishing), publishes made while it
 * is down are dropped rather than queued (live events are superseded by the next state anyway;
 * a subscriber gets the current state on `subscribe`), and the clients reconnect and resubscribe
 * on their own when it returns.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly scaleLogger = new Logger('scale');
  private readonly clients: { isReady: boolean; close(): Promise<void>; destroy(): void }[] = [];
  private adapterFactory: ReturnType<typeof createAdapter> | null = null;
  private relay: InstanceRelay | null = null;
  private closed = false;

  constructor(app: INestApplicationContext, redisUrl: string | null) {
    super(app);
    if (redisUrl) this.connect(redisUrl);
  }

  private connect(url: string): void {
    const socket = { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) };
    // Publishing fails fast while Redis is away instead of buffering every event of the outage.
    const pub = createClient({ url, socket, disableOfflineQueue: true });
    // Subscriptions wait for the connection (offline queue) and are restored after a reconnect.
    const sub = pub.duplicate({ disableOfflineQueue: false });
    let lastError = '';
    for (const [name, client] of [
      ['publisher', pub],
      ['subscriber', sub],
    ] as const) {
      client.on('error', (e: Error) => {
        if (e.message !== lastError) this.scaleLogger.warn(`redis ${name}: ${e.message}`);
        lastError = e.message;
      });
      client.on('ready', () => {
        lastError = '';
        this.scaleLogger.log(`redis ${name} connected`);
      });
      client.connect().catch((e: Error) => this.scaleLogger.warn(`redis ${name}: ${e.message}`));
      this.clients.push(client);
    }
    const safePub = new Proxy(pub, {
      get(target, prop, receiver) {
        if (prop === 'publish') {
          return (channel: string, message: string | Buffer) =>
            target.isReady ? target.publish(channel, message).catch(() => 0) : Promise.resolve(0);
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    this.adapterFactory = createAdapter(safePub as RedisClient, sub as RedisClient);
    this.relay = this.relayOver(safePub, sub);
    this.scaleLogger.log(`socket.io rooms shared through ${url.replace(/\/\/[^@]*@/, '//***@')}`);
  }

  /** Each message starts with its sender's id, so an instance skips its own. */
  private relayOver(
    pub: { publish(channel: string, message: string): Promise<unknown> },
    sub: { subscribe(channel: string, listener: (message: string) => void): Promise<unknown> },
  ): InstanceRelay {
    const origin = `${randomBytes(8).toString('hex')}\n`;
    const channel = (topic: string) => `operando-twin#${topic}`;
    return {
      publish: (topic, message) => void pub.publish(channel(topic), origin + message),
      subscribe: (topic, onMessage) => {
        sub
          .subscribe(channel(topic), (message: string) => {
            if (!message.startsWith(origin)) onMessage(message.slice(message.indexOf('\n') + 1));
          })
          .catch((e: Error) => this.scaleLogger.warn(`redis subscribe ${topic}: ${e.message}`));
      },
    };
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const server = super.createIOServer(port, options);
    coalesceWebSocketWrites(server.engine as unknown as EngineServer);
    if (this.adapterFactory) {
      server.adapter(this.adapterFactory);
      if (this.relay) relays.set(server, this.relay);
    }
    return server;
  }

  override async close(server: IoServer): Promise<void> {
    await super.close(server);
    if (this.closed) return;
    this.closed = true;
    // A client still retrying would wait for Redis on close(); destroy() just stops it.
    await Promise.all(
      this.clients.map((c) => (c.isReady ? c.close().catch(() => c.destroy()) : c.destroy())),
    );
  }
}

/** The socket.io adapter for this process: Redis-backed when `REDIS_URL` is set. */
export function socketAdapter(app: INestApplicationContext): RedisIoAdapter {
  return new RedisIoAdapter(app, loadScaleConfig(process.env).redisUrl);
}
