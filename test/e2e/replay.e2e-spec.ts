import type { CellConfig } from '@twin/contracts';
import { stepCellTwin, twinPayload, type CellTwinState } from '@twin/twin';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DEFAULT_CELL, SimulatedCell } from '../../apps/rig-sim/src/simulated-cell';
import { interfaceModelPlugin } from '../../apps/api/src/model/interface-model.plugin';
import { ReplaysService } from '../../apps/api/src/replays/replays.service';
import {
  connected,
  eventually,
  sampleCell,
  startTestApp,
  ADMIN_TOKEN,
  type TestApp,
} from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Small limits so the queue test can fill the queue; read when the replays module is built.
process.env.REPLAY_MAX_RUNNING = '2';
process.env.REPLAY_MAX_QUEUED = '1';
// Pages of 400 rows: every replay here reads across many pages with prefetch.
process.env.REPLAY_PAGE_ROWS = '400';

let db: TestDatabase;
let t: TestApp;
const T0 = Date.UTC(2026, 10, 6);
const SAMPLES_PER_CELL = 1500;
const BATCH = 150;
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url, { CHECKPOINT_EVERY_SAMPLES: '300' });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

async function waitReplay(id: string, states = ['finished', 'cancelled', 'failed'], timeoutMs = 60_000) {
  return eventually(
    async () => (await t.request('GET', `/replays/${id}`)).body,
    (r) => states.includes(r.state),
    timeoutMs,
  );
}

/** Live ingest of simulated 1C cycling (20 s samples), recording every `twin` state the live room sends. */
async function ingestLive(cellIds: string[]) {
  const live = t.socket('/live', ADMIN_TOKEN);
  await connected(live);
  const liveStates = new Map<string, Map<number, Record<string, unknown>>>();
  for (const id of cellIds) {
    await t.request(
      'POST',
      '/cells',
      sampleCell(id, { nominalCapacityAh: DEFAULT_CELL.capacityAh, initialSoc: 0.1 }),
    );
    expect((await live.emitWithAck('subscribe', { cellId: id })).ok).toBe(true);
    liveStates.set(id, new Map());
  }
  live.on('twin', (s: { cellId: string; seq: number }) => liveStates.get(s.cellId)?.set(s.seq, s));
  const sims = cellIds.map(
    (_, i) => new SimulatedCell({ ...DEFAULT_CELL, cRate: 1, seed: i + 1 }, T0 + i * 7_000),
  );
  for (let from = 0; from < SAMPLES_PER_CELL; from += BATCH) {
    for (const [i, id] of cellIds.entries()) {
      const samples = Array.from({ length: BATCH }, (_, k) => {
        const s = sims[i].advance(20_000);
        return {
          seq: from + k,
          ts: s.tsMs,
          voltageV: s.voltageV,
          currentA: s.currentA,
          temperatureC: s.temperatureC,
          cycle: s.cycle,
        };
      });
      expect((await t.request('POST', `/cells/${id}/samples`, { samples })).body.accepted).toBe(BATCH);
      await eventually(
        async () => (await t.request('GET', `/cells/${id}`)).body.state?.seq,
        (seq) => seq === from + BATCH - 1,
      );
    }
  }
  // the trailing state of each cell's last window
  await new Promise((r) => setTimeout(r, 300));
  live.close();
  return liveStates;
}

describe('campaigns', () => {
  it('creates (201), lists, reads, patches; 409 on a taken id, 400 on unknown cells, viewers read only', async () => {
    await t.request('POST', '/cells', sampleCell('cmp-a'));
    await t.request('POST', '/cells', sampleCell('cmp-b'));
    const created = await t.request('POST', '/campaigns', { id: 'camp-x', name: 'X', cellIds: ['cmp-a'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'camp-x',
      name: 'X',
      description: null,
      cellIds: ['cmp-a'],
      tags: [],
    });
    expect((await t.request('POST', '/campaigns', { id: 'camp-x', name: 'Y', cellIds: [] })).status).toBe(
      409,
    );
    const unknown = await t.request('POST', '/campaigns', {
      id: 'camp-y',
      name: 'Y',
      cellIds: ['cmp-a', 'ghost'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ field: 'cellIds.1', reason: 'unknown cell ghost' }]);
    const missing = await t.request('POST', '/campaigns', { id: 'camp-z' });
    expect(missing.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'cellIds',
      'name',
    ]);
    const patched = await t.request('PATCH', '/campaigns/camp-x', {
      cellIds: ['cmp-a', 'cmp-b'],
      tags: ['t1'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'X', cellIds: ['cmp-a', 'cmp-b'], tags: ['t1'] });
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v' })).body.token as string;
    expect((await t.request('POST', '/campaigns', { id: 'v', name: 'v', cellIds: [] }, viewer)).status).toBe(
      403,
    );
    expect((await t.request('PATCH', '/campaigns/camp-x', { name: 'v' }, viewer)).status).toBe(403);
    const list = await t.request('GET', '/campaigns', undefined, viewer);
    expect(list.body.campaigns.map((c: { id: string }) => c.id)).toContain('camp-x');
    expect((await t.request('GET', '/campaigns/camp-x', undefined, viewer)).body.tags).toEqual(['t1']);
    expect((await t.request('GET', '/campaigns/nope')).status).toBe(404);
  });
});

describe('replay determinism against the live twin', () => {
  const cellIds = ['det-1', 'det-2'];
  let liveStates: Map<string, Map<number, Record<string, unknown>>>;
  let replayId: string;

  beforeAll(async () => {
    liveStates = await ingestLive(cellIds);
    await t.request('POST', '/campaigns', { id: 'camp-det', name: 'Determinism', cellIds });
  }, 180_000);

  it('reproduces every live twin state, the live checkpoints and the final state exactly', async () => {
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v2' })).body.token as string;
    const res = await t.request(
      'POST',
      '/replays',
      { campaignId: 'camp-det', speed: 'max', recordStates: true },
      viewer,
    );
    expect(res.status).toBe(201);
    replayId = res.body.replayId;
    expect(replayId).toMatch(/^rp_[0-9a-f]{12}$/);
    const done = await waitReplay(replayId);
    expect(done).toMatchObject({ state: 'finished', progress: { fraction: 1 } });
    expect(done.progress.samplesPerSec).toBeGreaterThan(0);
    const run = t.app.get(ReplaysService).runOf(replayId)!;
    const pool = new pg.Pool({ connectionString: db.url! });
    try {
      for (const cellId of cellIds) {
        const recorded = run.recordedStates(cellId);
        expect(recorded.map((s) => s.last.seq)).toEqual(
          Array.from({ length: SAMPLES_PER_CELL }, (_, i) => i),
        );
        const cell: CellConfig & { state: Record<string, unknown> } = (
          await t.request('GET', `/cells/${cellId}`)
        ).body;

        // 1) every `twin` state the live room sent
        const sent = liveStates.get(cellId)!;
        // Batches closer than the 100 ms live window coalesce, so how many arrive depends on timing;
        // the newest always arrives, and every one that did must match the replay exactly.
        expect(sent.size).toBeGreaterThanOrEqual(Math.min(3, SAMPLES_PER_CELL / BATCH));
        expect(sent.has(SAMPLES_PER_CELL - 1)).toBe(true);
        for (const [seq, payload] of sent) expect(json(twinPayload(cellId, recorded[seq]))).toEqual(payload);

        // 2) every live checkpoint (full state, model state included)
        const { rows } = await pool.query<{ seq: number; state: CellTwinState }>(
          'SELECT seq::float8 AS seq, state FROM twin_checkpoints WHERE cell_id = $1 ORDER BY seq',
          [cellId],
        );
        expect(rows.length).toBeGreaterThanOrEqual(3);
        for (const cp of rows) expect(json(recorded[cp.seq])).toEqual(cp.state);

        // 3) the live final state, and the same parameterHash
        expect(json(twinPayload(cellId, run.finalState(cellId)!))).toEqual(cell.state);
        expect(recorded.at(-1)!.outputs.model).toEqual(cell.state.model);

        // 4) every per-sample state against an independent stepping of the stored samples
        const stored = (await t.request('GET', `/cells/${cellId}/samples?limit=10000`)).body.samples as {
          seq: number;
          ts: string;
          voltageV: number;
          currentA: number;
          temperatureC: number | null;
          cycle: number | null;
          step: number | null;
        }[];
        const plugin = interfaceModelPlugin(cell);
        let state: CellTwinState | null = null;
        const config = { cellId, nominalCapacityAh: cell.nominalCapacityAh, initialSoc: cell.initialSoc };
        stored.forEach((s, i) => {
          const sample = {
            seq: s.seq,
            tsMs: Date.parse(s.ts),
            voltageV: s.voltageV,
            currentA: s.currentA,
            temperatureC: s.temperatureC,
            cycle: s.cycle,
            step: s.step,
          };
          state = stepCellTwin(config, state, sample, plugin).state;
          expect(recorded[i]).toEqual(state);
        });
      }
    } finally {
      await pool.end();
    }
  });

  it('summarises per cell and cycle, consistent with the live cycle bookkeeping, and persists it', async () => {
    const summary = (await t.request('GET', `/replays/${replayId}/summary`)).body;
    expect(summary.cells.map((c: { cellId: string }) => c.cellId)).toEqual(cellIds);
    for (const cell of summary.cells) {
      expect(cell.cycles.reduce((s: number, c: { samples: number }) => s + c.samples, 0)).toBe(
        SAMPLES_PER_CELL,
      );
      const liveCycles = (await t.request('GET', `/cells/${cell.cellId}/cycles`)).body.cycles;
      expect(cell.cycles.map((c: { cycle: number }) => c.cycle)).toEqual(
        liveCycles.map((c: { index: number }) => c.index),
      );
      for (const [i, c] of cell.cycles.entries()) {
        expect(c.dischargeAh).toBe(liveCycles[i].dischargeAh);
        expect(c.chargeAh).toBe(liveCycles[i].chargeAh);
        const shares = Object.values(c.regimeShares) as number[];
        expect(shares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
        expect(c.scl.potentialDropV.max).toBeGreaterThanOrEqual(c.scl.potentialDropV.mean);
        expect(c.interfaceResistanceOhmCm2.mean).toBeGreaterThan(0);
      }
    }
    // the persisted copy equals the in-memory one
    const pool = new pg.Pool({ connectionString: db.url! });
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM replay_summaries WHERE replay_id = $1',
      [replayId],
    );
    await pool.end();
    expect(rows[0].n).toBe(
      summary.cells.reduce((s: number, c: { cycles: unknown[] }) => s + c.cycles.length, 0),
    );
  });

  it('applies overrides to the model only (new parameterHash, live untouched) and compares two replays', async () => {
    const before = (await t.request('GET', '/cells/det-1')).body.state;
    const pool = new pg.Pool({ connectionString: db.url! });
    const liveTables = async () =>
      (
        await pool.query(
          `SELECT (SELECT count(*) FROM twin_checkpoints)::int AS checkpoints,
             (SELECT json_agg(t ORDER BY cell_id) FROM twin_latest t) AS latest,
             (SELECT count(*) FROM cell_cycles)::int AS cycles, (SELECT count(*) FROM alerts)::int AS alerts`,
        )
      ).rows[0];
    const tablesBefore = await liveTables();
    const res = await t.request('POST', '/replays', {
      cellIds: ['det-1'],
      speed: 'max',
      overrides: { coating: { material: 'LiNbO3', thicknessNm: 10 }, stackPressureMPa: 50 },
      alertRules: 'none',
    });
    expect(res.status).toBe(201);
    const b = res.body.replayId;
    await waitReplay(b);
    const run = t.app.get(ReplaysService).runOf(b)!;
    const hash = (run.finalState('det-1')!.outputs.model as { parameterHash: string }).parameterHash;
    expect(hash).not.toBe(before.model.parameterHash);
    expect((await t.request('GET', '/cells/det-1')).body.state).toEqual(before);
    expect(await liveTables()).toEqual(tablesBefore);
    await pool.end();
    const cmp = await t.request('GET', `/replays/compare?a=${replayId}&b=${b}`);
    expect(cmp.status).toBe(200);
    expect(cmp.body.a).toMatchObject({
      replayId,
      state: 'finished',
      cells: 2,
      samples: 2 * SAMPLES_PER_CELL,
    });
    expect(cmp.body.b).toMatchObject({
      replayId: b,
      cells: 1,
      samples: SAMPLES_PER_CELL,
      overrides: { stackPressureMPa: 50 },
    });
    const det1 = cmp.body.cells.find((c: { cellId: string }) => c.cellId === 'det-1');
    const first = det1.cycles[0];
    // capacity is measured, not modelled: the same; the modelled interface is not
    expect(first.delta.dischargeAh).toBe(0);
    expect(first.delta.meanInterfaceResistanceOhmCm2).not.toBe(0);
    expect(first.delta.meanInterfaceResistanceOhmCm2).toBeCloseTo(
      first.b.interfaceResistanceOhmCm2.mean - first.a.interfaceResistanceOhmCm2.mean,
      9,
    );
    expect(cmp.body.cells.find((c: { cellId: string }) => c.cellId === 'det-2').cycles[0].b).toBeNull();
  });

  it('rejects bad requests by field', async () => {
    const bad = await t.request('POST', '/replays', { cellIds: ['det-1'], speed: 0.5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('speed');
    const both = await t.request('POST', '/replays', {
      cellIds: ['det-1'],
      campaignId: 'camp-det',
      speed: 'max',
    });
    expect(both.body.error.details[0].field).toBe('campaignId');
    const material = await t.request('POST', '/replays', {
      cellIds: ['det-1'],
      speed: 'max',
      overrides: { coating: { material: 'Unobtainium', thicknessNm: 5 } },
    });
    expect(material.status).toBe(400);
    expect(material.body.error.details[0].field).toBe('overrides.coating.material');
    expect((await t.request('POST', '/replays', { campaignId: 'nope', speed: 'max' })).status).toBe(404);
    expect((await t.request('GET', '/replays/rp_000000000000')).status).toBe(404);
  });
});

describe('replay control', () => {
  const N = 3000;
  let reference: CellTwinState[];

  beforeAll(async () => {
    await t.request('POST', '/cells', sampleCell('ctl-1', { initialSoc: 0.5 }));
    const samples = Array.from({ length: N }, (_, seq) => ({
      seq,
      ts: T0 + seq * 1000,
      voltageV: 3.6 + 0.2 * Math.sin(seq / 200),
      currentA: Math.sin(seq / 200) > 0 ? 0.0025 : -0.0025,
      temperatureC: 25,
    }));
    expect((await t.request('POST', '/cells/ctl-1/samples', { samples })).body.accepted).toBe(N);
    const ref = (
      await t.request('POST', '/replays', {
        cellIds: ['ctl-1'],
        speed: 'max',
        recordStates: true,
        alertRules: 'none',
      })
    ).body.replayId;
    await waitReplay(ref);
    reference = [...t.app.get(ReplaysService).runOf(ref)!.recordedStates('ctl-1')];
  });

  it('paces, throttles to ≤ 10 states/s, pauses within 100 ms, resumes at the same sample, seeks back exactly, cancels', async () => {
    const res = await t.request('POST', '/replays', { cellIds: ['ctl-1'], speed: 400, recordStates: true });
    const id = res.body.replayId;
    onTestFinished(async () => void (await t.request('POST', `/replays/${id}/cancel`)));
    const live = t.socket('/live', ADMIN_TOKEN);
    await connected(live);
    expect(await live.emitWithAck('subscribe', { replayId: id })).toEqual({ ok: true });
    expect((await live.emitWithAck('subscribe', { replayId: 'rp_unknown' })).ok).toBe(false);
    const twins: { at: number; seq: number; replayId: string }[] = [];
    const progress: { fraction: number; etaSeconds: number | null }[] = [];
    live.on('twin', (s) => twins.push({ at: performance.now(), seq: s.seq, replayId: s.replayId }));
    live.on('replay.progress', (p) => progress.push(p));

    await eventually(
      async () => twins.length,
      (n) => n >= 8,
      10_000,
    );
    const running = (await t.request('GET', `/replays/${id}`)).body;
    expect(running.state).toBe('running');
    // 400× real time with 1 s samples: ~400 samples per wall second
    const paused = await t.request('POST', `/replays/${id}/pause`);
    const pausedAt = performance.now();
    expect(paused.body.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 700));
    const late = twins.filter((e) => e.at > pausedAt + 100);
    expect(late).toEqual([]);
    const during = (await t.request('GET', `/replays/${id}`)).body;
    expect(during.state).toBe('paused');
    expect((await t.request('POST', `/replays/${id}/pause`)).status).toBe(409);
    const seqAtPause = twins.at(-1)!.seq;
    const recordedAtPause = t.app.get(ReplaysService).runOf(id)!.recordedStates('ctl-1').length;

    expect((await t.request('POST', `/replays/${id}/resume`)).body.state).toBe('running');
    await eventually(
      async () => twins.filter((e) => e.at > pausedAt + 700).length,
      (n) => n >= 3,
    );
    const afterResume = twins.filter((e) => e.at > pausedAt + 700);
    expect(afterResume[0].seq).toBeGreaterThanOrEqual(seqAtPause);
    // nothing skipped or stepped twice across the pause
    const rec = t.app.get(ReplaysService).runOf(id)!.recordedStates('ctl-1');
    expect(rec.length).toBeGreaterThan(recordedAtPause);
    expect(rec.map((s) => s.last.seq)).toEqual(Array.from({ length: rec.length }, (_, i) => i));

    // throttle: at most 10 states per rolling second (live contract)
    const times = twins.map((e) => e.at);
    for (let i = 0; i + 10 < times.length; i++) expect(times[i + 10] - times[i]).toBeGreaterThan(950);
    expect(twins.every((e) => e.replayId === id)).toBe(true);

    // seek back to sample 100: the model restarts and the states match the reference run exactly
    const seekAt = performance.now();
    expect(
      (await t.request('POST', `/replays/${id}/seek`, { ts: new Date(T0 + 100_000).toISOString() })).status,
    ).toBe(200);
    const afterSeek = await eventually(
      async () => twins.filter((e) => e.at > seekAt + 50),
      (l) => l.length >= 2,
    );
    expect(afterSeek[0].seq).toBeGreaterThanOrEqual(100);
    expect(afterSeek[0].seq).toBeLessThan(seqAtPause);
    const reseeked = t.app.get(ReplaysService).runOf(id)!.recordedStates('ctl-1');
    for (let i = 0; i < reseeked.length; i++) expect(reseeked[i]).toEqual(reference[i]);

    // forward seek: jumps ahead without emitting the skipped states
    const fwdAt = performance.now();
    const seqBeforeFwd = twins.at(-1)!.seq;
    await t.request('POST', `/replays/${id}/seek`, { ts: T0 + 2_500_000 });
    const answeredAt = performance.now();
    await eventually(
      async () => twins.filter((e) => e.seq >= 2500).length,
      (n) => n >= 1,
    );
    // once the seek is answered, none of the skipped states is sent (50 ms for sockets in flight)
    const skipped = twins.filter((e) => e.at > answeredAt + 50 && e.seq > seqBeforeFwd && e.seq < 2500);
    expect(skipped).toEqual([]);
    expect(twins.filter((e) => e.at > fwdAt && e.seq < 2500).length).toBeLessThanOrEqual(3);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toEqual({
      replayId: id,
      fraction: expect.any(Number),
      simulatedTs: expect.any(String),
      samplesPerSec: expect.any(Number),
      etaSeconds: expect.any(Number),
    });

    const cancelled = await t.request('POST', `/replays/${id}/cancel`);
    expect(cancelled.body.state).toBe('cancelled');
    const n = twins.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(twins.length).toBe(n);
    expect((await t.request('POST', `/replays/${id}/resume`)).status).toBe(409);
    expect((await t.request('GET', `/replays/${id}`)).body.state).toBe('cancelled');
    live.close();
  });

  it('runs at most two at once, queues one more and answers 429 beyond', async () => {
    const start = () => t.request('POST', '/replays', { cellIds: ['ctl-1'], speed: 1, alertRules: 'none' });
    const ids = [(await start()).body.replayId, (await start()).body.replayId, (await start()).body.replayId];
    const states = await Promise.all(
      ids.map(async (id) => (await t.request('GET', `/replays/${id}`)).body.state),
    );
    expect(states).toEqual(['running', 'running', 'queued']);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect((await t.request('POST', `/replays/${ids[2]}/cancel`)).body.state).toBe('cancelled');
    expect((await t.request('POST', `/replays/${ids[0]}/cancel`)).body.state).toBe('cancelled');
    expect((await t.request('POST', `/replays/${ids[1]}/cancel`)).body.state).toBe('cancelled');
  });
});

describe('after a restart', () => {
  it('keeps finished replays and their summaries', async () => {
    const id = (await t.request('POST', '/replays', { cellIds: ['ctl-1'], speed: 'max', alertRules: 'none' }))
      .body.replayId;
    await waitReplay(id);
    const summary = (await t.request('GET', `/replays/${id}/summary`)).body;
    await t.close();
    t = await startTestApp(db.url);
    expect((await t.request('GET', `/replays/${id}`)).body).toMatchObject({
      id,
      state: 'finished',
      progress: { fraction: 1 },
    });
    expect((await t.request('GET', `/replays/${id}/summary`)).body).toEqual(summary);
  });
});
