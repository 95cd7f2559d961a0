import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
const batch = (from: number, n: number) => wireSamples(T0, from, n, (seq) => 3.6 + seq / 1000);

interface Seen {
  seq: number;
  soc: number;
  voltageV: number;
}

/**
 * One rig batch of 50 samples (seq 1–50) after a first one-sample batch (which loads the twin: a
 * freshly loaded twin has stepped its rows while loading); the `twin` states a viewer receives for it.
 */
async function statesForOneBatch(t: TestApp, cellId: string): Promise<Seen[]> {
  await t.request('POST', '/cells', sampleCell(cellId, { initialSoc: 0.25 }));
  const viewer = t.socket('/live', ADMIN_TOKEN);
  await connected(viewer);
  await viewer.emitWithAck('subscribe', { cellId });
  const seen: Seen[] = [];
  viewer.on('twin', (s: Seen) => seen.push(s));
  const rig = t.socket('/rigs', ADMIN_TOKEN);
  await connected(rig);
  expect(await rig.emitWithAck('samples', { cellId, samples: batch(0, 1) })).toMatchObject({ accepted: 1 });
  await eventually(
    async () => seen.at(-1)?.seq,
    (seq) => seq === 0,
  );
  // the bucket refills (1000/s in the roomy app) before the batch
  await new Promise((r) => setTimeout(r, 100));
  seen.length = 0;
  expect(await rig.emitWithAck('samples', { cellId, samples: batch(1, 50) })).toMatchObject({ accepted: 50 });
  await eventually(
    async () => seen.at(-1)?.seq,
    (seq) => seq === 50,
  );
  // nothing else is on its way
  await new Promise((r) => setTimeout(r, 200));
  viewer.close();
  rig.close();
  return seen;
}

describe('live states of a batched rig', () => {
  let db: TestDatabase;
  let roomy: TestApp;
  let standard: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    roomy = await startTestApp(db.url, { LIVE_MAX_PER_SECOND: '1000', LIVE_BURST: '20' });
    standard = await startTestApp(db.url);
  });
  afterAll(async () => {
    await roomy?.close();
    await standard?.close();
    await db?.drop();
  });

  it('sends states before the newest, spread over the batch, when LIVE_BURST leaves room', async () => {
    const seen = await statesForOneBatch(roomy, 'burst-roomy');
    // 20 tokens: one for the newest, two kept for the next batches' newest, 17 for earlier samples
    expect(seen).toHaveLength(18);
    const seqs = seen.map((s) => s.seq);
    expect(seqs.at(-1)).toBe(50);
    for (let k = 1; k < seqs.length; k++) expect(seqs[k]).toBeGreaterThan(seqs[k - 1]);
    // spread over the batch, not bunched at its start
    expect(seqs[0]).toBeLessThanOrEqual(4);
    expect(seqs.at(-2)).toBeGreaterThanOrEqual(46);
    // each is the twin at that sample: coulomb counting at 1 mA on 5 mAh, 1 s per sample
    for (const s of seen) {
      expect(s.soc).toBeCloseTo(0.25 + (0.001 * s.seq) / 3600 / 0.005, 9);
      expect(s.voltageV).toBeCloseTo(3.6 + s.seq / 1000, 12);
    }
  });

  it('sends a viewer on HTTP long-polling the same states as one on WebSocket', async () => {
    const cellId = 'burst-polling';
    await roomy.request('POST', '/cells', sampleCell(cellId, { initialSoc: 0.25 }));
    const onWebSocket = roomy.socket('/live', ADMIN_TOKEN);
    const onPolling = io(`${roomy.url}/live`, {
      auth: { token: ADMIN_TOKEN },
      transports: ['polling'],
      reconnection: false,
    });
    await Promise.all([connected(onWebSocket), connected(onPolling)]);
    expect(onPolling.io.engine.transport.name).toBe('polling');
    const seen = new Map<Socket, Seen[]>([
      [onWebSocket, []],
      [onPolling, []],
    ]);
    for (const [viewer, states] of seen) {
      await viewer.emitWithAck('subscribe', { cellId });
      viewer.on('twin', (s: Seen) => states.push(s));
    }
    const rig = roomy.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const lastSeqs = () => Promise.resolve([...seen.values()].map((states) => states.at(-1)?.seq));
    // The first batch loads the twin; the second is stepped live, a state per token.
    expect(await rig.emitWithAck('samples', { cellId, samples: batch(0, 1) })).toMatchObject({ accepted: 1 });
    await eventually(lastSeqs, (last) => last.every((seq) => seq === 0));
    await new Promise((r) => setTimeout(r, 100));
    for (const states of seen.values()) states.length = 0;
    expect(await rig.emitWithAck('samples', { cellId, samples: batch(1, 30) })).toMatchObject({
      accepted: 30,
    });
    await eventually(lastSeqs, (last) => last.every((seq) => seq === 30));
    expect(seen.get(onWebSocket)!.length).toBeGreaterThan(1);
    expect(seen.get(onPolling)).toEqual(seen.get(onWebSocket));
    onPolling.close();
    onWebSocket.close();
    rig.close();
  });

  it('sends only the newest state of a batch at the default limit and burst', async () => {
    const seen = await statesForOneBatch(standard, 'burst-standard');
    expect(seen.map((s) => s.seq)).toEqual([50]);
  });
});
