import type { Socket as NetSocket } from 'node:net';
import type { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LiveGateway } from '../../apps/api/src/live/live.gateway';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { wireSamples } from '../support/wire-samples';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';

const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);
const MAX_QUEUED = 50;
const BATCH = 100;
const BATCHES = 120;

const batch = (from: number) => wireSamples(T0, from, BATCH);

/** The server-side engine.io queue of the /live socket that is not `except`. */
function queuedFor(t: TestApp, socketId: string): number {
  const io = t.app.get(LiveGateway).io as Server;
  const socket = io.of('/live').sockets.get(socketId);
  return (socket?.conn as unknown as { writeBuffer: unknown[] } | undefined)?.writeBuffer.length ?? -1;
}

describe('a browser that reads slower than states are pushed', () => {
  let db: TestDatabase;
  let t: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    // every sample's state is pushed, so 12,000 states (~8 MB) meet a reader that has stopped reading
    t = await startTestApp(db.url, {
      LIVE_MAX_PER_SECOND: '100000',
      LIVE_BURST: String(BATCH + 3),
      LIVE_MAX_QUEUED_PACKETS: String(MAX_QUEUED),
    });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('is skipped while its queue is full (bounded), others are served, and it gets the newest state once it reads again', async () => {
    await t.request('POST', '/cells', sampleCell('slow-1'));
    // Its own connection: sockets to one server share (multiplex) one unless told not to.
    const slow = io(`${t.url}/live`, {
      auth: { token: ADMIN_TOKEN },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const fast = t.socket('/live', ADMIN_TOKEN);
    await Promise.all([connected(slow), connected(fast)]);
    for (const s of [slow, fast]) await s.emitWithAck('subscribe', { cellId: 'slow-1' });
    const slowSeqs: number[] = [];
    const fastSeqs: number[] = [];
    slow.on('twin', (s: { seq: number }) => slowSeqs.push(s.seq));
    fast.on('twin', (s: { seq: number }) => fastSeqs.push(s.seq));
    const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
    tcp.pause();

    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    let maxQueued = 0;
    for (let b = 0; b < BATCHES; b++) {
      await rig.emitWithAck('samples', { cellId: 'slow-1', samples: batch(b * BATCH) });
      maxQueued = Math.max(maxQueued, queuedFor(t, slow.id!));
    }
    const newest = BATCHES * BATCH - 1;
    await eventually(
      async () => fastSeqs.at(-1),
      (seq) => seq === newest,
    );
    // the queue filled up to the bound and no further: states stopped going to the slow reader
    expect(maxQueued).toBeGreaterThanOrEqual(MAX_QUEUED);
    expect(maxQueued).toBeLessThanOrEqual(MAX_QUEUED + BATCH + 5);
    expect(fastSeqs.length).toBeGreaterThan(BATCHES * 10);

    tcp.resume();
    await eventually(
      async () => slowSeqs.at(-1),
      (seq) => seq === newest,
    );
    // it missed states while congested, in order, ending on the newest
    expect(slowSeqs.length).toBeLessThan(fastSeqs.length);
    for (let k = 1; k < slowSeqs.length; k++) expect(slowSeqs[k]).toBeGreaterThanOrEqual(slowSeqs[k - 1]);
    for (const s of [slow, fast, rig]) s.close();
  });
});
