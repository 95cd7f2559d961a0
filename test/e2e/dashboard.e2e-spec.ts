import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { LiveGateway } from '../../apps/api/src/live/live.gateway';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const REPO = resolve(import.meta.dirname, '..', '..');
const SHOTS = join(REPO, 'test-artifacts', 'dashboard');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `[dashboard e2e] ${CHROMIUM} not found: skipping the browser tests (apt-get install -y chromium).`,
  );
}

const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);
// 1C charge on a 5 mAh cell: 0.005 A for 36 s moves SOC by 0.005·36/3600/0.005 = 1 percentage point.
const CAPACITY_AH = 0.005;
const ONE_C_A = 0.005;

let db: TestDatabase;
let t: TestApp;
let context: BrowserContext;
let page: Page;
let profileDir: string;
let viewer: string;
const pageErrors: string[] = [];

const sample = (seq: number, extra: Record<string, unknown> = {}) => ({
  seq,
  ts: new Date(T0 + seq * 1000).toISOString(),
  voltageV: 3.6 + seq * 0.001,
  currentA: ONE_C_A,
  temperatureC: 25 + (seq % 10) * 0.05,
  ...extra,
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function ingest(cellId: string, seqs: number[], extra: Record<string, unknown> = {}) {
  const res = await t.request('POST', `/cells/${cellId}/samples`, {
    samples: seqs.map((s) => sample(s, extra)),
  });
  expect(res.status).toBe(201);
  expect(res.body.accepted).toBe(seqs.length);
}

async function shot(name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function endpointMissing(method: string, path: string, body?: unknown): Promise<boolean> {
  const res = await t.request(method, path, body);
  return res.status === 404 && String(res.body?.error?.message ?? '').startsWith('Cannot ');
}

const points = async (testId: string) => Number(await page.getByTestId(testId).getAttribute('data-points'));

describe.skipIf(!hasChromium)('dashboard in a real browser', () => {
  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'dashboard', 'index.html'))) {
      throw new Error(
        'dist/dashboard is missing: the global setup builds it when apps/dashboard/index.html exists',
      );
    }
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase(inject('pgAdminUrl'));
    t = await startTestApp(db.url);
    viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'dashboard-e2e' })).body.token;
    await t.request(
      'POST',
      '/cells',
      sampleCell('dash-live', {
        name: 'Live cell',
        initialSoc: 0.5,
        nominalCapacityAh: CAPACITY_AH,
        tags: ['pouch', 'ncm'],
      }),
    );
    await t.request(
      'POST',
      '/cells',
      sampleCell('dash-coated', {
        initialSoc: 0.2,
        coating: { material: 'LiNbO3', thicknessNm: 5 },
        tags: ['coated'],
      }),
    );
    await ingest('dash-coated', range(0, 20));
    profileDir = mkdtempSync(join(tmpdir(), 'twin-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) {
      await page.screenshot({
        path: join(SHOTS, `failed-${task.name.slice(0, 40).replace(/\W+/g, '-')}.png`),
        fullPage: true,
      });
    }
  });

  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await t?.close();
    await db?.drop();
  });

  it('signs in with the token form, refuses a wrong token and remembers a good one', async () => {
    await page.goto(`${t.url}/`);
    await page.getByLabel('Viewer token').fill('not-a-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toContain('not accepted');
    await shot('sign-in');
    await page.getByLabel('Viewer token').fill(viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('cell-row-dash-live').waitFor();
    expect(await page.evaluate(() => Object.values(localStorage))).toContain(viewer);
    await page.reload();
    await page.getByTestId('cell-row-dash-coated').waitFor();
    // dash-coated: 20 samples at 1C from SOC 0.2 over 19 s → 0.2 + 0.005·19/3600/0.005 = 0.20528.
    await expect.poll(() => page.getByTestId('cell-soc-dash-coated').textContent()).toBe('20.5 %');
  });

  it('signs in from /#token= and drops the token from the address bar', async () => {
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${t.url}/cells#token=${encodeURIComponent(viewer)}`);
    await page.getByTestId('cell-row-dash-live').waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-form').waitFor();
    await page.goto(`${t.url}/#token=${encodeURIComponent(viewer)}`);
    await page.getByTestId('cell-row-dash-live').waitFor();
  });

  it('moves the SOC in the table as samples are ingested, and filters by tag', async () => {
    await page.goto(`${t.url}/cells`);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Live');
    expect(await page.getByTestId('cell-soc-dash-live').textContent()).toBe('—');
    // The first sample sets SOC to initialSoc; each further 36 s at 1C adds one point.
    await ingest('dash-live', range(0, 37));
    await expect
      .poll(() => page.getByTestId('cell-soc-dash-live').textContent(), { timeout: 10_000 })
      .toBe('51.0 %');
    await ingest('dash-live', range(37, 73));
    await expect
      .poll(() => page.getByTestId('cell-soc-dash-live').textContent(), { timeout: 10_000 })
      .toBe('52.0 %');
    await page.getByLabel('Tag').selectOption('coated');
    expect(await page.getByTestId('cell-row-dash-live').isHidden()).toBe(true);
    expect(await page.getByTestId('cell-row-dash-coated').isVisible()).toBe(true);
    await page.getByLabel('Tag').selectOption('');
    await shot('cells');
    await page.setViewportSize({ width: 820, height: 1180 });
    await shot('cells-tablet');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('reconnects after the server drops the socket and resyncs the state it missed', async () => {
    await page.goto(`${t.url}/cells`);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Live');
    const namespace = (
      t.app.get(LiveGateway) as unknown as { namespace: { disconnectSockets(close: boolean): void } }
    ).namespace;
    namespace.disconnectSockets(true);
    await expect.poll(() => page.getByTestId('connection').textContent()).not.toBe('Live');
    // Samples land while the page is cut off: only the resync on reconnect can show them.
    await ingest('dash-coated', range(20, 56));
    await expect.poll(() => page.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live');
    // 56 samples at 1C from SOC 0.2 over 55 s → 0.2 + 55/3600 = 0.21528.
    await expect
      .poll(() => page.getByTestId('cell-soc-dash-coated').textContent(), { timeout: 10_000 })
      .toBe('21.5 %');
  });

  it('shows one cell live: the plots grow with each ingest and SOC follows', async () => {
    await page.goto(`${t.url}/cells`);
    await page.getByRole('link', { name: 'Live cell' }).click();
    await page.getByTestId('chart-voltage').waitFor();
    await expect.poll(() => points('chart-voltage')).toBeGreaterThan(0);
    const before = await points('chart-voltage');
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('Live');
    await ingest('dash-live', range(73, 109));
    await expect
      .poll(() => page.getByTestId('cell-soc-dash-live').textContent(), { timeout: 10_000 })
      .toBe('53.0 %');
    await expect.poll(() => points('chart-voltage')).toBeGreaterThan(before);
    expect(await points('chart-soc')).toBeGreaterThan(0);
    await shot('cell');
    // Zooming past the live buffer loads bucketed history from /series (the view says so).
    await page.getByRole('button', { name: 'Whole history' }).click();
    await expect.poll(() => page.getByText(/^History /).count()).toBe(1);
    await page.getByRole('button', { name: 'Back to live' }).click();
  });

  it('shows an alert live and acknowledges it (or says alerts are not available)', async (ctx) => {
    if (await endpointMissing('GET', '/alerts')) {
      await page.goto(`${t.url}/alerts`);
      await page.locator('[data-state="unavailable"]').waitFor();
      await shot('alerts');
      ctx.skip(
        'GET /api/v1/alerts answers 404 on this server: alert case skipped (the view shows "not available").',
      );
    }
    await page.goto(`${t.url}/alerts`);
    const known = new Set(
      ((await t.request('GET', '/alerts')).body.alerts as { id: string }[]).map((a) => a.id),
    );
    // A steady run, then the cell heats by 40 °C and its voltage collapses: the default rules should open an alert.
    await ingest('dash-live', range(109, 400));
    await ingest('dash-live', range(400, 460), { temperatureC: 65, voltageV: 2.2, currentA: 0.05 });
    const alerts = await eventually(
      async () =>
        (
          (await t.request('GET', '/alerts?cellId=dash-live&state=open')).body.alerts as { id: string }[]
        ).filter((a) => !known.has(a.id)),
      (list) => list.length > 0,
      20_000,
    );
    const id = alerts[0].id;
    await page.getByTestId(`alert-row-${id}`).waitFor();
    await shot('alerts');
    await page.getByTestId(`alert-ack-${id}`).click();
    await eventually(
      async () =>
        (
          (await t.request('GET', '/alerts?cellId=dash-live')).body.alerts as { id: string; state: string }[]
        ).find((a) => a.id === id)?.state,
      (state) => state !== 'open',
    );
  });

  it('runs a replay and watches its progress bar reach 100 % (or says replays are not available)', async (ctx) => {
    if (await endpointMissing('GET', '/replays/nope')) {
      await page.goto(`${t.url}/replays`);
      await page.locator('[data-state="unavailable"]').waitFor();
      await shot('replays');
      ctx.skip(
        'the /api/v1/replays endpoints answer 404 on this server: replay case skipped (the view shows "not available").',
      );
    }
    await page.goto(`${t.url}/replays`);
    await page.getByLabel('or cells (comma-separated)').fill('dash-coated');
    await page.getByLabel('Speed').selectOption('max');
    await page.getByRole('button', { name: 'Start replay' }).click();
    const bar = page.getByTestId('replay-progress');
    await bar.waitFor();
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    await expect.poll(() => page.locator('#replay-h strong').textContent()).toBe('finished');
    // A second run with a lower stack pressure, then A and B side by side. Until the new replay's
    // panel replaces the first one, the page still shows the first replay as finished.
    const replayIdShown = async () =>
      /Replay (\S+)/.exec((await page.locator('#replay-h').textContent()) ?? '')?.[1];
    const firstId = await replayIdShown();
    await page.getByLabel('Stack pressure (MPa)').fill('2');
    await page.getByRole('button', { name: 'Start replay' }).click();
    await expect.poll(replayIdShown, { timeout: 30_000 }).not.toBe(firstId);
    await expect
      .poll(() => page.locator('#replay-h strong').textContent(), { timeout: 30_000 })
      .toBe('finished');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.locator('.compare-out').waitFor();
    expect(await page.locator('.compare-out caption').first().textContent()).toContain('dash-coated');
    await shot('replays');
  });

  it('runs a what-if model (or says the model endpoint is not available)', async (ctx) => {
    if (
      await endpointMissing('POST', '/model/interface', {
        cathode: 'NCM811',
        electrolyte: 'Li6PS5Cl',
        soc: 0.5,
      })
    ) {
      await page.goto(`${t.url}/what-if`);
      await page.getByTestId('whatif-form').waitFor();
      await page.getByRole('button', { name: 'Run model' }).click();
      await page.getByTestId('whatif-result').locator('[data-state="unavailable"]').waitFor();
      await shot('what-if');
      ctx.skip(
        'POST /api/v1/model/interface answers 404 on this server: what-if case skipped (the view shows "not available").',
      );
    }
    await page.goto(`${t.url}/what-if`);
    const form = page.getByTestId('whatif-form');
    await form.waitFor();
    await page.getByLabel('SOC (%)').fill('80');
    await page.getByRole('button', { name: 'Run model' }).click();
    const result = page.getByTestId('whatif-result');
    await result.getByTestId('whatif-regime').waitFor();
    expect(['electrostatic', 'mechanical', 'mixed', 'equilibrated']).toContain(
      await result.getByTestId('whatif-regime').textContent(),
    );
    await expect.poll(() => points('chart-potential-profile')).toBeGreaterThan(1);
    await shot('what-if');
  });

  it('plots a spectrum with its fitted circuit overlaid (or says EIS is not available)', async (ctx) => {
    if (await endpointMissing('GET', '/cells/dash-live/spectra')) {
      await page.goto(`${t.url}/eis/dash-live`);
      await page.locator('[data-state="unavailable"]').waitFor();
      await shot('eis');
      ctx.skip(
        'GET /api/v1/cells/:id/spectra answers 404 on this server: EIS case skipped (the view shows "not available").',
      );
    }
    // R0 + R1 ∥ C1 by hand: Z = R0 + R1/(1 + jωR1C1), 40 points from 1 MHz down to 0.1 Hz.
    const [r0, r1, c1] = [20, 100, 1e-6];
    const pts = Array.from({ length: 40 }, (_, i) => {
      const fHz = 10 ** (6 - (7 * i) / 39);
      const wrc = 2 * Math.PI * fHz * r1 * c1;
      return { fHz, zRealOhm: r0 + r1 / (1 + wrc ** 2), zImagOhm: (-r1 * wrc) / (1 + wrc ** 2) };
    });
    const posted = await t.request('POST', '/cells/dash-live/spectra', {
      ts: new Date(T0 + 500_000).toISOString(),
      soc: 0.6,
      temperatureC: 25,
      cycle: 1,
      circuit: 'R0-p(R1,C1)',
      points: pts,
    });
    expect(posted.status).toBe(201);
    const fitted = await eventually(
      async () =>
        ((await t.request('GET', '/cells/dash-live/spectra')).body.spectra as { fit: unknown }[]).find(
          (s) => s.fit,
        ),
      (s) => s !== undefined,
      20_000,
    );
    expect(fitted).toBeDefined();
    await page.goto(`${t.url}/eis/dash-live`);
    await page.getByTestId('eis-nyquist').waitFor();
    // 40 measured points plus the 200-point fit curve evaluated in the browser, joined on Z′.
    await expect.poll(() => points('eis-nyquist')).toBeGreaterThan(40);
    await page.getByRole('rowheader', { name: 'R1', exact: true }).waitFor();
    await shot('eis');
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
