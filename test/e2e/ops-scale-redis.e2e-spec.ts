import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TwinStatePayload } from '@twin/contracts';
import { createClient } from 'redis';
import { cellRoom } from '../../apps/api/src/live/live-events';
import { LiveGateway } from '../../apps/api/src/live/live.gateway';
import { CellOwnershipService } from '../../apps/api/src/ownership/cell-ownership.service';
import { RedisServer, redisAvailable } from '../support/redis-server';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';

/**
 * Two instances sharing one database and one Redis: a browser on A sees cells ingested on B. With
 * Redis stopped, each instance keeps serving its own browsers and ingest; cross-instance delivery
 * comes back on its own when Redis does.
 */
if (!redisAvailable)
  console.warn('\n[ops-scale-redis] no /usr/bin/redis-server (apt-get install redis-server): skipping.\n');
let db: TestDatabase;
let a: TestApp;
let b: TestApp;
let redis: RedisServer | null = null;
const T0 = Date.UTC(2026, 6, 1);
let nextSeq = 0;

/** Ingests one new sample through `via` and resolves with whether `browser` saw its twin state in time. */
async function seenAcross(via: TestApp, browser: Socket, waitMs: number): Promise<boolean> {
  const seq = nextSeq++;
  const seen = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => (browser.off('twin', onTwin), resolve(false)), waitMs);
    const onTwin = (state: { seq: number }) => {
      if (state.seq < seq) return;
      clearTimeout(timer);
      browser.off('twin', onTwin);
      resolve(true);
    };
    browser.on('twin', onTwin);
  });
  const res = await via.request('POST', '/cells/scale-1/samples', {
    samples: [{ seq, ts: T0 + seq * 1000, voltageV: 3.7, currentA: 0.001 }],
  });
  expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  return seen;
}

beforeAll(async () => {
  if (!redisAvailable) return;
  redis = await RedisServer.start();
  process.env.REDIS_URL = redis.url;
  db = await createTestDatabase(inject('pgAdminUrl'));
  a = await startTestApp(db.url);
  b = await startTestApp(db.url);
  delete process.env.REDIS_URL;
  await a.request('POST', '/cells', sampleCell('scale-1'));
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.stop();
  await db?.drop();
});

describe.skipIf(!redisAvailable || !inject('pgAdminUrl'))(
  'socket.io Redis adapter across two instances',
  () => {
    it('delivers to a browser on instance A the twin states of a cell ingested on instance B', async () => {
      const browser = a.socket('/live', ADMIN_TOKEN);
      await connected(browser);
      expect((await browser.emitWithAck('subscribe', { cellId: 'scale-1' })).ok).toBe(true);
      // The adapter's subscription may still be on its way right after start.
      let seen = false;
      for (let i = 0; i < 20 && !seen; i++) seen = await seenAcross(b, browser, 500);
      expect(seen).toBe(true);
      expect(await seenAcross(b, browser, 3000)).toBe(true);
      browser.close();
    });

    it("sends one turn's states to the other instances as one Redis message", async () => {
      const browser = b.socket('/live', ADMIN_TOKEN);
      await connected(browser);
      expect((await browser.emitWithAck('subscribe', { cellId: 'scale-1' })).ok).toBe(true);
      const monitor = createClient({ url: redis!.url });
      await monitor.connect();
      // Messages on any channel that carry twin states (alerts or other events of the moment would not).
      const twinMessages: string[] = [];
      await monitor.pSubscribe('*', (message) => {
        if (message.includes('twin')) twinMessages.push(message);
      });
      const got: number[] = [];
      browser.on('twin', (state: { seq: number }) => got.push(state.seq));
      const gateway = a.app.get(LiveGateway);
      const base = (await a.request('GET', '/cells/scale-1')).body.state as TwinStatePayload;
      for (let k = 0; k < 10; k++)
        gateway.clientSend('twin', cellRoom('scale-1'), { ...base, seq: 10_000 + k });
      await eventually(
        async () => got.length,
        (n) => n >= 10,
        5_000,
      );
      expect(got).toEqual(Array.from({ length: 10 }, (_, k) => 10_000 + k));
      expect(twinMessages).toHaveLength(1);
      // It carries the states as socket.io packets, encoded once on A: B writes them out as they are.
      expect(twinMessages[0].split('2/live,["twin",')).toHaveLength(11);
      await monitor.quit();
      browser.close();
    });

    it('keeps serving each instance while Redis is down and resumes cross-instance delivery when it returns', async () => {
      // Test 1 ingested scale-1 through B, so B holds its lease and advances its twin.
      expect(b.app.get(CellOwnershipService).owns('scale-1')).toBe(true);
      const onA = a.socket('/live', ADMIN_TOKEN);
      const onB = b.socket('/live', ADMIN_TOKEN);
      await Promise.all([connected(onA), connected(onB)]);
      for (const browser of [onA, onB]) {
        expect((await browser.emitWithAck('subscribe', { cellId: 'scale-1' })).ok).toBe(true);
      }
      await redis!.stop();
      await new Promise((r) => setTimeout(r, 300));
      // Each instance keeps its own clients and ingest: B's browser sees samples written through B,
      // and through A too (A writes them, B steps them: no Redis involved); A's browser sees nothing.
      expect(await seenAcross(b, onB, 3000)).toBe(true);
      expect(await seenAcross(b, onA, 1500)).toBe(false);
      expect(await seenAcross(a, onB, 3000)).toBe(true);
      expect((await a.request('GET', '/health', undefined, null)).status).toBe(200);
      await redis!.start();
      let resumed = false;
      const until = Date.now() + 20_000;
      while (!resumed && Date.now() < until) resumed = await seenAcross(b, onA, 500);
      expect(resumed).toBe(true);
      onA.close();
      onB.close();
    });
  },
);
