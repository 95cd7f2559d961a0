import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWebSocketWrites, type EngineServer } from './coalesce-ws-writes';

interface Rig {
  http: HttpServer;
  server: Server;
  client: ClientSocket;
  /** Calls into the server-side TCP socket's write paths for the one connected client. */
  writes(): number;
}

async function rig(coalesce: boolean, transports: ('websocket' | 'polling')[]): Promise<Rig> {
  const http = createServer();
  const server = new Server(http);
  if (coalesce) coalesceWebSocketWrites(server.engine as unknown as EngineServer);
  let tcp: NetSocket | null = null;
  let writes = 0;
  server.engine.on('connection', (socket: { transport: { socket?: { _socket?: NetSocket } } }) => {
    const watch = () => {
      const candidate = socket.transport.socket?._socket;
      if (!candidate || candidate === tcp) return;
      tcp = candidate;
      const paths = candidate as unknown as Record<string, (...a: unknown[]) => void>;
      for (const method of ['_write', '_writev']) {
        const original = paths[method].bind(candidate);
        paths[method] = (...args: unknown[]) => {
          writes += 1;
          original(...args);
        };
      }
    };
    watch();
    (socket as unknown as { on(e: string, l: () => void): void }).on('upgrade', watch);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  const client = io(`http://127.0.0.1:${port}`, { transports });
  await new Promise<void>((r) => client.once('connect', () => r()));
  if (transports.includes('polling')) {
    await new Promise<void>((r) =>
      client.io.engine.transport.name === 'websocket' ? r() : client.io.engine.once('upgrade', () => r()),
    );
  }
  return { http, server, client, writes: () => writes };
}

/**
 * 50 events to one socket in one turn, the second half from promise jobs (as the acks of one commit
 * go out); resolves with what the client got and the server's write calls.
 */
async function burst(r: Rig): Promise<{ received: number[]; writes: number }> {
  const received: number[] = [];
  const all = new Promise<void>((done) =>
    r.client.on('state', (n: number) => (received.push(n), received.length === 50 && done())),
  );
  const before = r.writes();
  for (let n = 0; n < 25; n++) r.server.emit('state', n);
  for (let n = 25; n < 50; n++) void Promise.resolve(n).then((k) => r.server.emit('state', k));
  await all;
  return { received, writes: r.writes() - before };
}

describe('coalesceWebSocketWrites', () => {
  const open: Rig[] = [];
  afterEach(async () => {
    for (const r of open.splice(0)) {
      r.client.close();
      await r.server.close();
    }
  });

  it('sends a burst of packets to one WebSocket in one write instead of one per packet, same content', async () => {
    const plain = await rig(false, ['websocket']);
    const corked = await rig(true, ['websocket']);
    open.push(plain, corked);
    const a = await burst(plain);
    const b = await burst(corked);
    expect(a.received).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(b.received).toEqual(a.received);
    expect(a.writes).toBeGreaterThanOrEqual(40);
    expect(b.writes).toBe(1);
  });

  it('also applies to a client that starts on polling and upgrades', async () => {
    const upgraded = await rig(true, ['polling', 'websocket']);
    open.push(upgraded);
    const out = await burst(upgraded);
    expect(out.received).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(out.writes).toBe(1);
  });
});
