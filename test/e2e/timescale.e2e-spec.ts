import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseService } from '../../apps/api/src/database/database.service';
import { eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * The TimescaleDB path, on the PGlite TimescaleDB build reached through `pg` (pglite-socket serves
 * one connection at a time there, hence a pool of one).
 */
let t: TestApp;
const T0 = Date.UTC(2026, 10, 3, 0, 0, 0);
const sample = (seq: number) => ({
  seq,
  ts: T0 + seq * 1000,
  voltageV: 3 + (seq % 10) / 10,
  currentA: 0.001,
});

beforeAll(async () => {
  t = await startTestApp(inject('timescaleUrl'), { DB_POOL_SIZE: '1' });
});
afterAll(async () => {
  await t?.close();
});

describe('TimescaleDB variant', () => {
  it('reports timescaledb and keeps samples in a compressed hypertable with a continuous aggregate', async () => {
    expect((await t.request('GET', '/health', undefined, null)).body.database).toBe('timescaledb');
    const pool = t.app.get(DatabaseService).pool;
    const hyper = await pool.query(
      'SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables',
    );
    expect(hyper.rows).toContainEqual({ hypertable_name: 'samples', compression_enabled: true });
    const caggs = await pool.query('SELECT view_name FROM timescaledb_information.continuous_aggregates');
    expect(caggs.rows.map((r) => r.view_name)).toContain('samples_10s');
    const jobs = await pool.query(
      "SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name IN ('samples', 'samples_10s') OR proc_name LIKE 'policy_%'",
    );
    expect(jobs.rows.map((r) => r.proc_name)).toEqual(
      expect.arrayContaining(['policy_compression', 'policy_refresh_continuous_aggregate']),
    );
  });

  it('ingests idempotently: a resend with the same seq is a duplicate even on the hypertable', async () => {
    await t.request('POST', '/cells', sampleCell('ts-1'));
    const batch = Array.from({ length: 120 }, (_, i) => sample(i));
    expect((await t.request('POST', '/cells/ts-1/samples', { samples: batch })).body).toEqual({
      accepted: 120,
      duplicates: 0,
      rejected: [],
    });
    const again = await t.request('POST', '/cells/ts-1/samples', {
      samples: [sample(5), sample(6), sample(120)],
    });
    expect(again.body).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
    // same seq with another timestamp is still the same sample
    const moved = await t.request('POST', '/cells/ts-1/samples', {
      samples: [{ ...sample(7), ts: T0 + 999_999 }],
    });
    expect(moved.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const stored = await t.request('GET', '/cells/ts-1/samples?limit=1000');
    expect(stored.body.samples).toHaveLength(121);
  });

  it('serves series from the continuous aggregate, equal to a direct aggregation', async () => {
    const series = await t.request('GET', `/cells/ts-1/series?from=${T0}&to=${T0 + 121_000}&bucket=30s`);
    expect(series.body.series.map((b: { n: number }) => b.n)).toEqual([30, 30, 30, 30, 1]);
    // voltages cycle 3.0 … 3.9 every 10 samples: each full 30 s bucket has min 3, max 3.9, mean 3.45
    expect(series.body.series[0].voltageV.min).toBeCloseTo(3, 12);
    expect(series.body.series[0].voltageV.max).toBeCloseTo(3.9, 12);
    expect(series.body.series[0].voltageV.avg).toBeCloseTo(3.45, 12);
  });

  it('runs the twin on top of it', async () => {
    const state = await eventually(
      async () => (await t.request('GET', '/cells/ts-1')).body.state,
      (s) => s?.seq === 120,
    );
    expect(state.soc).toBeCloseTo((0.001 * 120) / 3600 / 0.005, 12);
  });
});
