import { logSpacedFrequenciesHz, synthesizeSpectrum } from '@twin/eis';
import { twinPayload, type CellTwinState } from '@twin/twin';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_CELL, SimulatedCell } from '../../apps/rig-sim/src/simulated-cell';
import { DatabaseService } from '../../apps/api/src/database/database.service';
import { ReplaysService } from '../../apps/api/src/replays/replays.service';
import {
  ADMIN_TOKEN,
  connected,
  eventually,
  sampleCell,
  startTestApp,
  type TestApp,
} from '../support/test-app';
import { SOLID_STATE_TRUTH, solidStatePoints } from '../support/solid-state-spectrum';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Pages of 200 rows: samples cross many pages while spectra come from their own source.
process.env.REPLAY_PAGE_ROWS = '200';

const T0 = Date.UTC(2026, 10, 20);
const ROUNDS = 8;
const BATCH = 150;
const STEP_MS = 20_000;
const cellIds = ['spx-1', 'spx-2'];
/** round → spectrum after that round's batch: the interface arc R2 (Ω), or 'invalid' (fails Lin-KK). */
const SPECTRA: Record<string, Record<number, number | 'invalid'>> = {
  'spx-1': { 1: 120, 3: 160, 5: 95, 7: 140 },
  'spx-2': { 2: 110, 4: 'invalid', 6: 180 },
};
const f = logSpacedFrequenciesHz(1e6, 1e-2, 61);
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function points(r2: number | 'invalid', seed: number) {
  if (r2 === 'invalid') {
    // real part of one RC, imaginary part of another: not causal, Lin-KK rejects it
    const a = synthesizeSpectrum('R0-p(R1,C1)', { R0: 10, R1: 100, C1: 1e-5 }, f, 0, 1);
    const b = synthesizeSpectrum('R0-p(R1,C1)', { R0: 10, R1: 100, C1: 1e-3 }, f, 0, 1);
    return f.map((fHz, i) => ({ fHz, zRealOhm: a.zRealOhm[i], zImagOhm: b.zImagOhm[i] }));
  }
  return solidStatePoints(f, { ...SOLID_STATE_TRUTH, R2: r2 }, 0.001, seed);
}

/** Both schema variants: a fresh database on the PostgreSQL server, and the PGlite TimescaleDB build. */
const variants: { name: string; start(): Promise<{ t: TestApp; stop(): Promise<void> }> }[] = [
  {
    name: 'the PostgreSQL server',
    async start() {
      const db: TestDatabase = await createTestDatabase(inject('pgAdminUrl'));
      const t = await startTestApp(db.url, { CHECKPOINT_EVERY_SAMPLES: '250' });
      return { t, stop: async () => (await t.close(), await db.drop()) };
    },
  },
  {
    name: 'TimescaleDB',
    async start() {
      const t = await startTestApp(inject('timescaleUrl'), {
        DB_POOL_SIZE: '1',
        CHECKPOINT_EVERY_SAMPLES: '250',
      });
      return { t, stop: () => t.close() };
    },
  },
];

describe.each(variants)('replay of samples and spectra on $name', ({ start }) => {
  let t: TestApp;
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ t, stop } = await start());
  });
  afterAll(() => stop());

  /** spectrum id → the live `spectrum` event and the live twin state once it was applied. */
  const live = new Map<number, { event: any; state: Record<string, unknown>; cellId: string }>();

  beforeAll(async () => {
    const socket = t.socket('/live', ADMIN_TOKEN);
    await connected(socket);
    const events: any[] = [];
    socket.on('spectrum', (s) => events.push(s));
    for (const id of cellIds) {
      await t.request(
        'POST',
        '/cells',
        sampleCell(id, { nominalCapacityAh: DEFAULT_CELL.capacityAh, initialSoc: 0.1 }),
      );
      expect((await socket.emitWithAck('subscribe', { cellId: id })).ok).toBe(true);
    }
    const sims = cellIds.map(
      (_, i) => new SimulatedCell({ ...DEFAULT_CELL, cRate: 1, seed: i + 1 }, T0 + i * 7_000),
    );
    // Each spectrum is taken between two batches and applied before the next batch is sent, so live
    // arrival order and timestamp order agree (docs/replay.md: what live does otherwise).
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, id] of cellIds.entries()) {
        let lastTs = 0;
        const samples = Array.from({ length: BATCH }, (_, k) => {
          const s = sims[i].advance(STEP_MS);
          lastTs = s.tsMs;
          return {
            seq: round * BATCH + k,
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
          (seq) => seq === (round + 1) * BATCH - 1,
        );
        const r2 = SPECTRA[id][round];
        if (r2 === undefined) continue;
        const res = await t.request('POST', `/cells/${id}/spectra`, {
          ts: lastTs + STEP_MS / 4,
          points: points(r2, round + 1),
        });
        expect(res.status).toBe(201);
        const event = await eventually(
          async () => events.find((e) => e.id === res.body.id),
          (e) => e !== undefined,
          20_000,
        );
        const state = (await t.request('GET', `/cells/${id}`)).body.state;
        live.set(res.body.id, { event, state, cellId: id });
      }
    }
    socket.close();
  }, 240_000);

  it('merges spectra into the stream by time and reproduces the live calibrations exactly', async () => {
    await t.request('POST', '/campaigns', { id: 'camp-spx', name: 'Spectra', cellIds });
    // The service's own pool: the TimescaleDB build serves one connection at a time.
    const pool = t.app.get(DatabaseService).pool;
    const liveTables = async () =>
      (
        await pool.query(
          `SELECT (SELECT json_agg(s ORDER BY id) FROM spectra s WHERE cell_id = ANY($1))::text AS spectra,
             (SELECT count(*) FROM twin_checkpoints WHERE cell_id = ANY($1))::int AS checkpoints`,
          [cellIds],
        )
      ).rows[0];
    const before = await liveTables();
    const liveStates = await Promise.all(
      cellIds.map(async (id) => (await t.request('GET', `/cells/${id}`)).body.state),
    );

    const res = await t.request('POST', '/replays', {
      campaignId: 'camp-spx',
      speed: 5000,
      recordStates: true,
    });
    expect(res.status).toBe(201);
    const replayId = res.body.replayId as string;
    const socket = t.socket('/live', ADMIN_TOKEN);
    await connected(socket);
    const spectra: any[] = [];
    const twins: any[] = [];
    socket.on('spectrum', (s) => spectra.push(s));
    socket.on('twin', (s) => twins.push(s));
    expect(await socket.emitWithAck('subscribe', { replayId })).toEqual({ ok: true });
    const done = await eventually(
      async () => (await t.request('GET', `/replays/${replayId}`)).body,
      (r) => ['finished', 'failed', 'cancelled'].includes(r.state),
      60_000,
    );
    expect(done.state).toBe('finished');
    const run = t.app.get(ReplaysService).runOf(replayId)!;

    // every spectrum went out to the replay room in time order, with the live verdict, fit and arc
    const storedIds = [...live.keys()];
    expect(spectra.map((s) => s.id)).toEqual(storedIds);
    for (const s of spectra) {
      const { replayId: tag, ...view } = s;
      expect(tag).toBe(replayId);
      expect(view).toEqual(live.get(s.id)!.event);
    }
    expect(spectra.filter((s) => s.status === 'invalid')).toHaveLength(1);
    expect(twins.length).toBeGreaterThan(0);
    expect(twins.every((s) => s.replayId === replayId)).toBe(true);

    for (const [c, cellId] of cellIds.entries()) {
      // the state right after each calibrating spectrum is the live one
      const calibrated = [...live.entries()].filter(
        ([, l]) => l.cellId === cellId && l.event.status === 'fitted',
      );
      const after = run.recordedSpectra(cellId);
      expect(after.map((a) => a.spectrumId)).toEqual(calibrated.map(([id]) => id));
      for (const [i, a] of after.entries()) {
        const liveState = calibrated[i][1].state;
        expect(liveState.measuredInterfaceResistanceOhmCm2).toEqual(expect.any(Number));
        expect(json(twinPayload(cellId, a.state))).toEqual(liveState);
      }
      // …and the calibration really moved the model: the sample stepped just before differs
      const recorded = run.recordedStates(cellId);
      expect(recorded.map((s) => s.last.seq)).toEqual(Array.from({ length: ROUNDS * BATCH }, (_, i) => i));
      const first = after[0].state;
      expect(json(recorded[first.last.seq].model)).not.toEqual(json(first.model));

      // every live checkpoint (full state, calibrated model included) and the final state
      const { rows } = await pool.query<{ seq: number; state: CellTwinState }>(
        'SELECT seq::float8 AS seq, state FROM twin_checkpoints WHERE cell_id = $1 ORDER BY seq',
        [cellId],
      );
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const cp of rows) expect(json(recorded[cp.seq])).toEqual(cp.state);
      expect(json(twinPayload(cellId, run.finalState(cellId)!))).toEqual(liveStates[c]);
    }

    // the live side is untouched: spectra rows, checkpoints and twin states
    expect(await liveTables()).toEqual(before);
    for (const [c, cellId] of cellIds.entries()) {
      expect((await t.request('GET', `/cells/${cellId}`)).body.state).toEqual(liveStates[c]);
    }
    socket.close();
  });
});
