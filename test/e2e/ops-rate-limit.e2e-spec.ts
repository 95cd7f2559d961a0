import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { connected, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * Per-token token bucket: 5 at once, refilled at 2 per second. Requests are fired concurrently, so
 * at most 5 + 2 × elapsed seconds of them can pass, whatever the machine's speed.
 */
let db: TestDatabase;
let t: TestApp;
const RATE = 2;
const BURST = 5;

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_SECOND = String(RATE);
  process.env.RATE_LIMIT_BURST = String(BURST);
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newToken(role: 'viewer' | 'rig', cellIds?: string[]): Promise<string> {
  await wait(600); // the admin's own bucket refills between set-up calls
  const res = await t.request('POST', '/tokens', { role, label: role, ...(cellIds ? { cellIds } : {}) });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

describe.skipIf(!inject('pgAdminUrl'))('per-token rate limits', () => {
  it('answers requests past the burst with 429, Retry-After and RATE_LIMITED', async () => {
    const viewer = await newToken('viewer');
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.request('GET', '/cells', undefined, viewer)),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const passed = results.filter((r) => r.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(BURST);
    expect(passed).toBeLessThanOrEqual(BURST + Math.ceil(RATE * elapsedS));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBe(20 - passed);
    expect(limited[0].body.error.code).toBe('RATE_LIMITED');
    // The next token is at most 1/RATE = 500 ms away; the header is whole seconds, rounded up.
    expect(limited[0].headers.get('retry-after')).toBe('1');
    await wait(1000 / RATE + 50);
    expect((await t.request('GET', '/cells', undefined, viewer)).status).toBe(200);
  });

  it('keeps tokens apart and leaves anonymous endpoints alone', async () => {
    const a = await newToken('viewer');
    const b = await newToken('viewer');
    const flood = await Promise.all(
      Array.from({ length: 20 }, () => t.request('GET', '/cells', undefined, a)),
    );
    expect(flood.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(10);
    expect((await t.request('GET', '/cells', undefined, b)).status).toBe(200);
    const health = await Promise.all(
      Array.from({ length: 20 }, () => t.request('GET', '/health', undefined, null)),
    );
    expect(health.every((r) => r.status === 200)).toBe(true);
  });

  it('answers socket messages past the burst with {error: {code: RATE_LIMITED, retryAfterMs}} and stores nothing for them', async () => {
    await wait(600);
    expect((await t.request('POST', '/cells', sampleCell('rl-1'))).status).toBe(201);
    const rigToken = await newToken('rig', ['rl-1']);
    const rig = t.socket('/rigs', rigToken);
    await connected(rig);
    const t0 = Date.UTC(2026, 0, 1);
    const started = performance.now();
    const acks: any[] = await Promise.all(
      Array.from({ length: 12 }, (_, seq) =>
        rig.timeout(5000).emitWithAck('samples', {
          cellId: 'rl-1',
          samples: [{ seq, ts: t0 + seq * 1000, voltageV: 3.7, currentA: 0.001 }],
        }),
      ),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const passed = acks.filter((a) => a.accepted === 1).length;
    expect(passed).toBeGreaterThanOrEqual(BURST);
    expect(passed).toBeLessThanOrEqual(BURST + Math.ceil(RATE * elapsedS));
    const limited = acks.filter((a) => a.error);
    expect(limited.length).toBe(12 - passed);
    for (const a of limited) {
      expect(a.error.code).toBe('RATE_LIMITED');
      expect(a.error.retryAfterMs).toBeGreaterThan(0);
      expect(a.error.retryAfterMs).toBeLessThanOrEqual(1000 / RATE);
    }
    await wait(600);
    const stored = await t.request('GET', '/cells/rl-1/samples');
    expect(stored.body.samples.length).toBe(passed);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const counted = Number(/twin_rate_limited_total\{transport="ws"\} (\d+)/.exec(metrics)?.[1]);
    expect(counted).toBe(limited.length);
  });
});
