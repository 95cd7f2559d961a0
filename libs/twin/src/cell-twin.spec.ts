import type { SamplePoint } from '@twin/contracts';
import { describe, expect, it } from 'vitest';
import { spreadIndex, stepCellTwin, type CellTwinState, type TwinModelPlugin } from './cell-twin';
import { summarizeCycle } from './cycle-tracker';

const config = { cellId: 'c1', nominalCapacityAh: 0.005, initialSoc: 0.2 };
const t0 = Date.UTC(2026, 0, 1);

function run(samples: SamplePoint[], plugin: TwinModelPlugin | null = null) {
  let state: CellTwinState | null = null;
  const closed = [];
  for (const s of samples) {
    const r = stepCellTwin(config, state, s, plugin);
    state = r.state;
    if (r.closedCycle) closed.push(summarizeCycle(r.closedCycle));
  }
  return { state: state!, closed };
}

describe('stepCellTwin SOC', () => {
  it('matches analytic coulomb counting on a piecewise-linear current profile to 1e-6', () => {
    // Current ramps linearly 0 → 2 mA over the first hour, holds 2 mA for an hour, then −1 mA for
    // 30 min; the trapezoid is exact on linear segments, so the integral is known in closed form.
    const samples: SamplePoint[] = [];
    const stepMs = 7_000;
    const currentAt = (tMs: number) => {
      const h = tMs / 3_600_000;
      if (h <= 1) return 0.002 * h;
      if (h <= 2) return 0.002;
      return -0.001;
    };
    let seq = 0;
    // sample the breakpoints exactly so every interval is linear
    const times = new Set<number>();
    for (let t = 0; t <= 9_000_000; t += stepMs) times.add(t);
    [3_600_000, 7_200_000, 7_200_001, 9_000_000].forEach((t) => times.add(t));
    for (const t of [...times].sort((a, b) => a - b)) {
      samples.push({ seq: seq++, tsMs: t0 + t, voltageV: 3.8, currentA: currentAt(t) });
    }
    const { state } = run(samples);
    // ∫I dt in Ah: ramp 0.001 Ah + hold 0.002 Ah + jump interval (1 ms, mean 0.0005 A) + −1 mA × (9e6−7.2e6−1 ms)
    const jumpAh = (0.0005 * 1) / 3_600_000;
    const tailAh = (-0.001 * (9_000_000 - 7_200_001)) / 3_600_000;
    const expected = 0.2 + (0.001 + 0.002 + jumpAh + tailAh) / config.nominalCapacityAh;
    expect(Math.abs(state.soc - expected)).toBeLessThan(1e-6);
  });

  it('starts at initialSoc and ignores time running backwards', () => {
    const { state } = run([
      { seq: 0, tsMs: t0, voltageV: 3, currentA: 1 },
      { seq: 1, tsMs: t0 - 1000, voltageV: 3, currentA: 1 },
    ]);
    expect(state.soc).toBe(0.2);
  });
});

describe('cycle summaries', () => {
  function cc(cycles: number, withColumn: boolean) {
    // 1 h charge at +1 mA, 1 h discharge at −0.9 mA, sampled every 60 s, V linear 3.5→4.1 V
    const out: SamplePoint[] = [];
    let seq = 0;
    let t = t0;
    for (let c = 1; c <= cycles; c++) {
      for (const [current, v0, v1] of [
        [0.001, 3.5, 4.1],
        [-0.0009, 4.1, 3.5],
      ] as const) {
        for (let i = 0; i <= 60; i++) {
          out.push({
            seq: seq++,
            tsMs: t,
            voltageV: v0 + ((v1 - v0) * i) / 60,
            currentA: current,
            temperatureC: 25 + c,
            cycle: withColumn ? c : null,
          });
          if (i < 60) t += 60_000;
        }
        t += 1; // the phase change happens within 1 ms
      }
    }
    return out;
  }

  for (const withColumn of [true, false]) {
    it(`books charge/discharge, energy and mean voltages per cycle (${withColumn ? 'cycle column' : 'current reversals'})`, () => {
      const { state, closed } = run(cc(3, withColumn));
      expect(closed.map((c) => c.index)).toEqual([1, 2]);
      expect(state.cycles.open!.index).toBe(3);
      const c1 = closed[0];
      expect(c1.chargeAh).toBeCloseTo(0.001, 9);
      // the 1 ms phase-change interval carries (0.001−0.0009)/2 A: below 1e-10 Ah
      expect(c1.dischargeAh).toBeCloseTo(0.0009, 9);
      expect(c1.coulombicEfficiency).toBeCloseTo(0.9, 6);
      expect(c1.meanChargeVoltageV).toBeCloseTo(3.8, 6);
      expect(c1.meanDischargeVoltageV).toBeCloseTo(3.8, 6);
      expect(c1.chargeEnergyWh).toBeCloseTo(0.001 * 3.8, 8);
      expect(c1.temperatureMinC).toBe(26);
    });
  }
});

describe('model plugin', () => {
  it('passes SOC and cycle to the plugin and carries its outputs and state', () => {
    const plugin: TwinModelPlugin<{ n: number }> = {
      version: 't',
      parameterHash: 'h',
      init: () => ({ n: 0 }),
      step: (s, input) => ({ state: { n: s.n + 1 }, outputs: { doubledSoc: input.soc * 2, n: s.n + 1 } }),
    };
    const { state } = run(
      [
        { seq: 0, tsMs: t0, voltageV: 3, currentA: 0 },
        { seq: 1, tsMs: t0 + 1000, voltageV: 3, currentA: 0 },
      ],
      plugin as TwinModelPlugin,
    );
    expect(state.outputs).toEqual({ doubledSoc: 0.4, n: 2 });
    expect(state.model).toEqual({ n: 2 });
  });

  it('steps without outputs where asked and ends in the same state once a sample is stepped with them', () => {
    let advanced = 0;
    const plugin: TwinModelPlugin<{ n: number; socSum: number }> = {
      version: 't',
      parameterHash: 'h',
      init: () => ({ n: 0, socSum: 0 }),
      step: (s, input) => {
        const next = { n: s.n + 1, socSum: s.socSum + input.soc };
        return { state: next, outputs: { n: next.n, socSum: next.socSum } };
      },
      advance: (s, input) => ((advanced += 1), { n: s.n + 1, socSum: s.socSum + input.soc }),
      outputsOf: (s) => ({ n: s.n, socSum: s.socSum }),
    };
    const samples = Array.from({ length: 6 }, (_, k) => ({
      seq: k,
      tsMs: t0 + k * 1000,
      voltageV: 3.6,
      currentA: 0.0025,
    }));
    const every = run(samples, plugin as TwinModelPlugin).state;
    const afterThree = run(samples.slice(0, 3), plugin as TwinModelPlugin).state.outputs;
    let state: CellTwinState | null = null;
    samples.forEach((sample, k) => {
      state = stepCellTwin(config, state, sample, plugin as TwinModelPlugin, k === 2 || k === 5).state;
      // a sample stepped without outputs leaves the previous ones in place
      if (k === 3) expect(state.outputs).toEqual(afterThree);
    });
    // the first sample always gets outputs (there are none to keep); 1, 3 and 4 were advanced
    expect(advanced).toBe(3);
    expect(state).toEqual(every);
  });
});

describe('spreadIndex', () => {
  it('spreads the states before a batch’s newest evenly, distinct and before the newest', () => {
    const pick = (count: number, n: number) =>
      Array.from({ length: count }, (_, j) => spreadIndex(j, count, n));
    expect(pick(2, 10)).toEqual([2, 6]);
    expect(pick(2, 3)).toEqual([0, 1]);
    expect(pick(1, 2)).toEqual([0]);
    for (const n of [2, 5, 17, 200]) {
      for (let count = 1; count < n; count++) {
        const idx = pick(count, n);
        expect(idx[0]).toBeGreaterThanOrEqual(0);
        expect(idx.at(-1)).toBeLessThan(n - 1);
        for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
      }
    }
  });
});
