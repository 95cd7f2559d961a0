import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';

let db: TestDatabase;
let t: TestApp;
const METRICS_TOKEN = 'metrics-token-0123456789';

/** Value of one sample line of the exposition text (`name{labels} value`). */
function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no ${series} in metrics`);
  return Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  delete process.env.METRICS_TOKEN;
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

describe.skipIf(!inject('pgAdminUrl'))('/metrics', () => {
  it('counts ingest by result, times commits and model steps, and gauges queues and clients', async () => {
    await t.request('POST', '/cells', sampleCell('m-1'));
    const live = t.socket('/live', ADMIN_TOKEN);
    await connected(live);
    await live.emitWithAck('subscribe', { cellId: 'm-1' });
    const twin = new Promise((r) => live.once('twin', r));
    const samples = Array.from({ length: 40 }, (_, seq) => ({
      seq,
      ts: Date.UTC(2026, 0, 1) + seq * 1000,
      voltageV: 3.7,
      currentA: 0.001,
    }));
    expect((await t.request('POST', '/cells/m-1/samples', { samples })).body.accepted).toBe(40);
    const again = await t.request('POST', '/cells/m-1/samples', {
      samples: [...samples.slice(0, 10), { seq: -1 }, { seq: 'x' }],
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 10 });
    await twin;
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await eventually(
      async () => (await fetch(`${t.url}/metrics`)).text(),
      (s) => metric(s, 'twin_model_samples_total') === 40,
    );
    expect(metric(text, 'twin_ingest_rows_total{result="inserted"}')).toBe(40);
    expect(metric(text, 'twin_ingest_rows_total{result="duplicate"}')).toBe(10);
    expect(metric(text, 'twin_ingest_rejected_samples_total')).toBe(2);
    expect(metric(text, 'twin_ingest_commit_seconds_count{outcome="committed"}')).toBe(2);
    expect(metric(text, 'twin_model_step_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'twin_ingest_pending_rows')).toBe(0);
    expect(metric(text, 'twin_ingest_pending_rows_limit')).toBe(t.config.ingestMaxPendingRows);
    expect(metric(text, 'twin_twin_queue_batches')).toBe(0);
    expect(metric(text, 'twin_twin_queue_rows')).toBe(0);
    expect(metric(text, 'twin_owned_cells')).toBe(1);
    expect(metric(text, 'twin_live_clients')).toBe(1);
    expect(metric(text, 'twin_live_events_total{event="twin"}')).toBeGreaterThanOrEqual(1);
    expect(metric(text, 'twin_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('twin_process_resident_memory_bytes');
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    expect(metric(await (await fetch(`${t.url}/metrics`)).text(), 'twin_rig_connections')).toBe(1);
  });
});

describe.skipIf(!inject('pgAdminUrl'))('/api/v1/ready', () => {
  it('is 200 with the database round trip and the queue saturation when all is well', async () => {
    const res = await t.request('GET', '/ready', undefined, null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      draining: false,
      database: { ok: true },
      ingest: {
        pendingRows: 0,
        maxPendingRows: t.config.ingestMaxPendingRows,
        saturation: 0,
        saturated: false,
      },
    });
    expect(res.body.database.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe.skipIf(!inject('pgAdminUrl'))('security headers and CORS', () => {
  it('sets nosniff, frame denial, no-referrer and a same-origin CSP on API, error and dashboard responses', async () => {
    for (const path of ['/api/v1/health', '/api/v1/cells', '/', '/metrics']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("connect-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('grants no cross-origin reads of the HTTP API', async () => {
    const res = await fetch(`${t.url}/api/v1/cells`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/api/v1/cells`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe.skipIf(!inject('pgAdminUrl'))('METRICS_TOKEN', () => {
  it('requires the bearer token on /metrics when set', async () => {
    process.env.METRICS_TOKEN = METRICS_TOKEN;
    const guarded = await startTestApp(db.url);
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${guarded.url}/metrics`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('twin_ingest_pending_rows');
    } finally {
      delete process.env.METRICS_TOKEN;
      await guarded.close();
    }
  });
});
