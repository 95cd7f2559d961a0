import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AlertsService } from '../../apps/api/src/alerts/alerts.service';
import { verifySignature } from '../../apps/api/src/alerts/webhook-signature';
import { generateScenario, type ScenarioKind, type ScenarioOptions } from '../../apps/rig-sim/src/scenarios';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';

// Fast retries for the webhook test; read by the alerts module at boot.
process.env.WEBHOOK_RETRY_BASE_MS = '200';
process.env.WEBHOOK_POLL_MS = '50';

let db: TestDatabase;
let t: TestApp;
/** Scenarios start three days back: 1000 cycles of 60 s stay well clear of the future-skew limit. */
const T0 = Math.floor((Date.now() - 3 * 86_400_000) / 60_000) * 60_000;
const ONSET = 100;
const BATCH = 5000;
/**
 * The interface model (ModelModule) runs on every cell; its activation energy near SOC 0.5 and 25 °C.
 * The simulated cell follows it so the service's Arrhenius normalisation matches the "truth".
 */
const MODEL_EA_EV = 0.547;
/**
 * Interface resistance the service should learn for the simulated 12 Ω on 0.785 cm²: the 5 s read-out
 * leaves e^-5 of the RC step unread, and half the edges carry the OCV drift of the delay, 0.139 Ω
 * (see signal-extraction.spec.ts): (12·(1 − e^-5) + 0.139/2)·0.785.
 */
const BASELINE_OHM_CM2 = (12 * (1 - Math.exp(-5)) + 0.139 / 2) * 0.785;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

/** 50 MPa keeps the model's contact fraction at 0.997, clear of the default contact rules (0.82 at 10 MPa). */
async function createCell(id: string): Promise<void> {
  const res = await t.request('POST', '/cells', sampleCell(id, { stackPressureMPa: 50, initialSoc: 0.5 }));
  expect(res.status).toBe(201);
  // Loads the cell's twin now, so the first batch is stepped live (and seen by alerting) rather than replayed.
  expect((await t.request('GET', `/cells/${id}`)).status).toBe(200);
}

async function ingestScenario(cellId: string, kind: ScenarioKind, options: ScenarioOptions): Promise<number> {
  const samples = [...generateScenario(kind, { startTsMs: T0, activationEnergyEv: MODEL_EA_EV, ...options })];
  for (let i = 0; i < samples.length; i += BATCH) {
    const body = {
      samples: samples.slice(i, i + BATCH).map(({ tsMs, ...s }) => ({ ...s, ts: tsMs })),
    };
    const res = await t.request('POST', `/cells/${cellId}/samples`, body);
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(Math.min(BATCH, samples.length - i));
  }
  return samples[samples.length - 1].seq;
}

/**
 * Until alerting has taken in the batch with the last sample and evaluated everything queued behind it
 * (the closed cycles of that batch are queued in the same tick).
 */
async function settle(cellId: string, lastSeq: number): Promise<void> {
  const alerts = t.app.get(AlertsService);
  await eventually(
    async () => alerts.processedSeq(cellId),
    (seq) => seq === lastSeq,
    60_000,
  );
  await alerts.settled(cellId);
}

async function alertsOf(cellId: string) {
  const res = await t.request('GET', `/alerts?cellId=${cellId}`);
  expect(res.status).toBe(200);
  return res.body.alerts as Record<string, any>[];
}

describe('alert rules', () => {
  it('seeds the default rules as {all: true} rules and lists them', async () => {
    const res = await t.request('GET', '/alert-rules');
    expect(res.status).toBe(200);
    const defaults = res.body.rules.filter((r: any) => r.id.startsWith('default:'));
    expect(defaults).toHaveLength(11);
    for (const r of defaults) expect(r).toMatchObject({ scope: { all: true }, builtin: true, enabled: true });
    expect(defaults.find((r: any) => r.id === 'default:interface-resistance-cusum')).toMatchObject({
      signal: 'interfaceResistanceOhmCm2',
      detector: { kind: 'cusum', params: { k: 0.5, h: 8 } },
      severity: 'warning',
    });
  });

  it('creates, patches and deletes a rule, validates parameters and is admin-only', async () => {
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v' })).body.token as string;
    const rule = {
      id: 'ocv-high',
      scope: { cellId: 'any-cell' },
      signal: 'voltageV',
      detector: { kind: 'threshold', params: { direction: 'above', threshold: 4.2 } },
      severity: 'warning',
      cooldownSeconds: 60,
    };
    expect((await t.request('POST', '/alert-rules', rule, viewer)).status).toBe(403);
    expect((await t.request('GET', '/alert-rules', undefined, viewer)).status).toBe(403);
    const bad = await t.request('POST', '/alert-rules', {
      ...rule,
      detector: { kind: 'cusum', params: { k: -1, h: 8, baseline: { from: 'observations', count: 10 } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({
      field: 'detector.params',
      reason: expect.stringMatching(/k/),
    });
    const badScope = await t.request('POST', '/alert-rules', { ...rule, scope: { everything: true } });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error.details[0].field).toBe('scope');

    const created = await t.request('POST', '/alert-rules', rule);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'ocv-high', autoResolveSeconds: null, builtin: false });
    expect((await t.request('POST', '/alert-rules', rule)).status).toBe(409);
    const patched = await t.request('PATCH', '/alert-rules/ocv-high', {
      severity: 'critical',
      enabled: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ severity: 'critical', enabled: false, signal: 'voltageV' });
    expect((await t.request('PATCH', '/alert-rules/ocv-high', { cooldownSeconds: -1 })).status).toBe(400);
    expect((await t.request('DELETE', '/alert-rules/ocv-high')).status).toBe(204);
    expect((await t.request('GET', '/alert-rules/ocv-high')).status).toBe(404);
    expect((await t.request('DELETE', '/alert-rules/ocv-high')).status).toBe(404);
  });
});

describe('drift scenarios through HTTP ingest', () => {
  const cases: { kind: ScenarioKind; expect: Record<string, number> }[] = [
    // rule → cycles after the onset within which it must open
    { kind: 'interface-rise', expect: { 'default:interface-resistance-cusum': 12 } },
    {
      kind: 'contact-loss',
      expect: { 'default:interface-resistance-cusum': 12, 'default:capacity-fade-rate': 15 },
    },
    { kind: 'ohmic-jump', expect: { 'default:ohmic-resistance-cusum': 4 } },
    { kind: 'temperature-excursion', expect: { 'default:temperature-high': 0 } },
  ];

  for (const c of cases) {
    it(`alerts ${c.kind} within the stated number of cycles of its onset`, async () => {
      const cellId = `drift-${c.kind}`;
      await createCell(cellId);
      const lastSeq = await ingestScenario(cellId, c.kind, { cycles: 140, onsetCycle: ONSET, seed: 3 });
      await settle(cellId, lastSeq);
      const alerts = await alertsOf(cellId);
      for (const [ruleId, bound] of Object.entries(c.expect)) {
        const alert = alerts.find((a) => a.ruleId === ruleId);
        expect(alert, `${ruleId} on ${c.kind}`).toBeDefined();
        expect(alert!.cycle - ONSET).toBeGreaterThanOrEqual(0);
        expect(alert!.cycle - ONSET).toBeLessThanOrEqual(bound);
        expect(alert).toMatchObject({
          cellId,
          state: expect.stringMatching(/open|resolved/),
          regime: 'electrostatic',
          openedAt: expect.any(String),
        });
        expect(typeof alert!.value).toBe('number');
        expect(typeof alert!.baseline).toBe('number');
        if (alert!.signal === 'dischargeCapacityAh') {
          // A whole-cycle quantity has no single SOC.
          expect(alert!.soc).toBeNull();
        } else {
          expect(alert!.soc).toBeGreaterThan(0.4);
          expect(alert!.soc).toBeLessThan(0.6);
        }
      }
      // Nothing before the onset, and no rule twice while open.
      for (const a of alerts) expect(a.cycle).toBeGreaterThanOrEqual(ONSET);
      if (c.kind === 'temperature-excursion') {
        // Normalised to 25 °C (and pulses far from it left out), the hot cycles raise no resistance alert;
        // back at 25 °C the temperature alert resolves itself after its 10 min in band.
        expect(alerts.map((a) => a.ruleId)).toEqual(['default:temperature-high']);
        expect(alerts[0]).toMatchObject({ state: 'resolved', resolvedBy: 'auto', signal: 'temperatureC' });
        expect(alerts[0].value).toBeGreaterThan(60);
      }
    });
  }

  it('keeps a stable but noisy cell quiet for 1000 cycles', async () => {
    await createCell('stable-1');
    const lastSeq = await ingestScenario('stable-1', 'stable', { cycles: 1000, seed: 11, noiseV: 0.0005 });
    await settle('stable-1', lastSeq);
    expect(await alertsOf('stable-1')).toEqual([]);
    // The detectors did run: per-cycle resistance state was persisted for the cell.
    if (db.url) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query(
        `SELECT state FROM alert_detector_state WHERE cell_id = 'stable-1' AND rule_id = 'default:interface-resistance-cusum'`,
      );
      await client.end();
      expect(rows[0].state.detector.baseline.mean).toBeCloseTo(BASELINE_OHM_CM2, 1);
    }
  });
});

describe('alert lifecycle', () => {
  const always = {
    id: 'always-high',
    scope: { cellId: 'life-1' },
    signal: 'voltageV',
    detector: { kind: 'threshold', params: { direction: 'above', threshold: 3.0 } },
    severity: 'info',
    cooldownSeconds: 0,
    autoResolveSeconds: null,
  };

  it('keeps one open alert per rule and cell, in the evaluator and in SQL', async () => {
    await createCell('life-1');
    expect((await t.request('POST', '/alert-rules', always)).status).toBe(201);
    // Every sample is above 3 V: the rule fires 600 times.
    const lastSeq = await ingestScenario('life-1', 'stable', { cycles: 10 });
    await settle('life-1', lastSeq);
    const open = (await alertsOf('life-1')).filter((a) => a.ruleId === 'always-high');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ state: 'open', signal: 'voltageV', detector: 'threshold', baseline: 3 });
    if (db.url) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await expect(
        client.query(
          `INSERT INTO alerts (id, cell_id, rule_id, signal, detector, severity, state, opened_at)
           VALUES ('dup', 'life-1', 'always-high', 'voltageV', 'threshold', 'info', 'acknowledged', now())`,
        ),
      ).rejects.toThrow(/alerts_one_unresolved_per_rule_cell/);
      await client.end();
    }
  });

  it('moves open → acknowledged → resolved, with 404 and 409 on bad transitions', async () => {
    const [alert] = (await alertsOf('life-1')).filter((a) => a.ruleId === 'always-high');
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'ops' })).body
      .token as string;
    expect((await t.request('POST', '/alerts/nope/ack')).status).toBe(404);
    expect((await t.request('POST', '/alerts/nope/resolve')).status).toBe(404);
    const acked = await t.request('POST', `/alerts/${alert.id}/ack`, undefined, viewer);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      id: alert.id,
      state: 'acknowledged',
      acknowledgedAt: expect.any(String),
    });
    const again = await t.request('POST', `/alerts/${alert.id}/ack`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const resolved = await t.request('POST', `/alerts/${alert.id}/resolve`);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      state: 'resolved',
      resolvedBy: 'manual',
      resolvedAt: expect.any(String),
    });
    expect((await t.request('POST', `/alerts/${alert.id}/resolve`)).status).toBe(409);
    expect((await t.request('POST', `/alerts/${alert.id}/ack`)).status).toBe(409);
    const listed = await t.request('GET', `/alerts?state=resolved&cellId=life-1`, undefined, viewer);
    expect(listed.body.alerts.map((a: any) => a.id)).toContain(alert.id);
    expect((await t.request('GET', '/alerts?state=closed')).status).toBe(400);
    const window = await t.request(
      'GET',
      `/alerts?cellId=life-1&from=${new Date(T0 + 86_400_000).toISOString()}`,
    );
    expect(window.body.alerts).toEqual([]);
  });
});

describe('delivery', () => {
  let server: Server;
  const received: { body: string; headers: IncomingMessage['headers']; status: number }[] = [];
  const SECRET = 'webhook-secret-0123456789';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // The first delivery fails with 500; the retry succeeds.
        const status = received.length === 0 ? 500 : 200;
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends alert events to the cell room and the alerts room, and signed webhooks with a retry', async () => {
    const port = (server.address() as AddressInfo).port;
    const hook = await t.request('POST', '/webhooks', {
      url: `http://127.0.0.1:${port}/hook`,
      secret: SECRET,
    });
    expect(hook.status).toBe(201);
    expect(hook.body).not.toHaveProperty('secret');
    expect(hook.body.events).toEqual(['alert.opened', 'alert.acknowledged', 'alert.resolved']);
    expect((await t.request('POST', '/webhooks', { url: 'ftp://x', secret: SECRET })).status).toBe(400);

    await createCell('deliver-1');
    const watcher = t.socket('/live', ADMIN_TOKEN);
    const cellWatcher = t.socket('/live', ADMIN_TOKEN);
    await Promise.all([connected(watcher), connected(cellWatcher)]);
    expect(await watcher.emitWithAck('subscribe', { alerts: true })).toEqual({ ok: true });
    // The cell form of `subscribe` still reaches the LiveGateway.
    expect(await cellWatcher.emitWithAck('subscribe', { cellId: 'deliver-1' })).toMatchObject({ ok: true });
    const all: any[] = [];
    const perCell: any[] = [];
    watcher.on('alert', (a) => all.push(a));
    cellWatcher.on('alert', (a) => perCell.push(a));

    expect((await t.request('POST', '/alert-rules', { ...alwaysRule('deliver-1') })).status).toBe(201);
    const lastSeq = await ingestScenario('deliver-1', 'stable', { cycles: 2 });
    await settle('deliver-1', lastSeq);

    await eventually(
      async () => [all.length, perCell.length],
      ([a, b]) => a >= 1 && b >= 1,
    );
    expect(all[0]).toMatchObject({ cellId: 'deliver-1', ruleId: 'always-deliver-1', state: 'open' });
    expect(perCell[0].id).toBe(all[0].id);

    const deliveries = await eventually(
      async () => (await t.request('GET', `/webhooks/${hook.body.id}/deliveries`)).body.deliveries as any[],
      (d) => d.length === 1 && d[0].status === 'delivered',
      15_000,
    );
    expect(deliveries[0]).toMatchObject({
      event: 'alert.opened',
      alertId: all[0].id,
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(received.map((r) => r.status)).toEqual([500, 200]);
    for (const r of received) {
      expect(verifySignature(SECRET, r.body, r.headers['x-twin-signature'] as string)).toBe(true);
      expect(verifySignature('another-secret-0000', r.body, r.headers['x-twin-signature'] as string)).toBe(
        false,
      );
      expect(r.headers['x-twin-delivery']).toBe(deliveries[0].id);
      expect(Number.isFinite(Date.parse(r.headers['x-twin-timestamp'] as string))).toBe(true);
      expect(JSON.parse(r.body)).toMatchObject({ event: 'alert.opened', alert: { id: all[0].id } });
    }
    expect((await t.request('GET', '/webhooks')).body.webhooks[0]).not.toHaveProperty('secret');
    expect((await t.request('DELETE', `/webhooks/${hook.body.id}`)).status).toBe(204);
    expect((await t.request('GET', `/webhooks/${hook.body.id}/deliveries`)).status).toBe(404);
  });
});

function alwaysRule(cellId: string) {
  return {
    id: `always-${cellId}`,
    scope: { cellId },
    signal: 'voltageV',
    detector: { kind: 'threshold', params: { direction: 'above', threshold: 3.0 } },
    severity: 'info',
    cooldownSeconds: 0,
  };
}

describe('restart', () => {
  it('resumes the detectors from their persisted state', async () => {
    await createCell('restart-1');
    const samples = { cycles: 140, onsetCycle: ONSET, seed: 5 };
    const all = [
      ...generateScenario('interface-rise', { startTsMs: T0, activationEnergyEv: MODEL_EA_EV, ...samples }),
    ];
    const cut = 80 * 60;
    const post = async (rows: typeof all) => {
      for (let i = 0; i < rows.length; i += BATCH) {
        const body = { samples: rows.slice(i, i + BATCH).map(({ tsMs, ...s }) => ({ ...s, ts: tsMs })) };
        expect((await t.request('POST', '/cells/restart-1/samples', body)).status).toBe(201);
      }
    };
    await post(all.slice(0, cut));
    await settle('restart-1', all[cut - 1].seq);
    // A graceful restart on the same database: the baseline learned over cycles 1–30 must survive.
    await t.close();
    t = await startTestApp(db.url);
    await post(all.slice(cut));
    await settle('restart-1', all[all.length - 1].seq);
    const alert = (await alertsOf('restart-1')).find(
      (a) => a.ruleId === 'default:interface-resistance-cusum',
    );
    expect(alert).toBeDefined();
    expect(alert!.cycle - ONSET).toBeLessThanOrEqual(12);
    // Learned again after the restart (cycles 81–110, half of them drifting) it would be ≈ 9.6.
    expect(alert!.baseline).toBeCloseTo(BASELINE_OHM_CM2, 1);
  });
});
