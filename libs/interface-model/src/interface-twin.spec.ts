import { describe, expect, it } from 'vitest';
import { calibrate, initialCalibrationState } from './calibrate';
import { evaluateInterface } from './evaluate-interface';
import { createInterfaceTwin, type TwinOutput, type TwinSample, type TwinState } from './interface-twin';
import { prepareCell } from './cell-model';

const cell = { cathode: 'NCM811', electrolyte: 'Li6PS5Cl' } as const;

/** CC-CV-like trajectory: SOC ramps with 1e-4 steps, holds at the top, temperature drifts, one pressure step. */
function trajectory(n: number): TwinSample[] {
  const out: TwinSample[] = [];
  let soc = 0.05;
  let dir = 1;
  let cycle = 0;
  for (let i = 0; i < n; i++) {
    soc += dir * 4e-4;
    if (soc >= 0.98) {
      soc = 0.98;
      dir = -1;
    } else if (soc <= 0.05) {
      soc = 0.05;
      dir = 1;
      cycle++;
    }
    out.push({
      soc,
      temperatureC: 25 + Math.round(10 * Math.sin(i / 500)) / 10,
      stackPressureMPa: i < n / 2 ? 5 : 20,
      cycle,
    });
  }
  return out;
}

function runAll(samples: TwinSample[], state?: TwinState) {
  const twin = createInterfaceTwin(cell, { kD: 0.5 });
  let s = state ?? twin.initialState();
  const outputs: TwinOutput[] = [];
  for (const x of samples) {
    const r = twin.step(s, x);
    s = r.state;
    outputs.push(r.output);
  }
  return { state: s, outputs };
}

describe('interface twin: determinism and checkpointing', () => {
  const samples = trajectory(12000);

  it('same samples in the same order give identical outputs and state', () => {
    const a = runAll(samples);
    const b = runAll(samples);
    expect(JSON.stringify(b.outputs)).toBe(JSON.stringify(a.outputs));
    expect(b.state).toEqual(a.state);
    expect(a.state.mechanics.cyclesDamaged).toBeGreaterThanOrEqual(2);
  });

  it('a JSON checkpoint restored mid-run continues identically', () => {
    const full = runAll(samples);
    const first = runAll(samples.slice(0, 5000));
    const restored = JSON.parse(JSON.stringify(first.state)) as TwinState;
    expect(restored).toEqual(first.state);
    const rest = runAll(samples.slice(5000), restored);
    expect(JSON.stringify(rest.outputs)).toBe(JSON.stringify(full.outputs.slice(5000)));
  });

  it('the cache re-solves the SCL only on SOC moves ≥ 0.001 or T/P/cycle changes', () => {
    const { state, outputs } = runAll(samples);
    expect(state.sclEvaluations).toBeLessThan(samples.length / 2);
    expect(state.sclEvaluations).toBeGreaterThan(samples.length / 10);
    expect(outputs.filter((o) => !o.sclReused).length).toBe(state.sclEvaluations);
  });
});

describe('interface twin: advance + outputOf', () => {
  it('steps the same states as step, and its reading of any state is what step returned there', () => {
    const samples = trajectory(3000);
    const twin = createInterfaceTwin(cell, { kD: 0.5 });
    const full = runAll(samples);
    let s = twin.initialState();
    const readings: string[] = [];
    for (const x of samples) {
      s = twin.advance(s, x);
      readings.push(JSON.stringify(twin.outputOf(s)));
    }
    expect(s).toEqual(full.state);
    expect(readings).toEqual(
      full.outputs.map(({ sclReused, ...reading }) => (void sclReused, JSON.stringify(reading))),
    );
  });

  it('has no reading before the first sample', () => {
    const twin = createInterfaceTwin(cell);
    expect(() => twin.outputOf(twin.initialState())).toThrow(/no stepped sample/);
  });
});

describe('interface twin: cached values equal a full evaluation', () => {
  it('a re-solved step equals evaluateInterface; reused steps equal it at the anchor SOC with current mechanics', () => {
    const twin = createInterfaceTwin(cell);
    let s = twin.initialState();
    const anchor = { soc: 0.4, temperatureC: 25, stackPressureMPa: 5, cycle: 0 };
    const first = twin.step(s, anchor);
    s = first.state;
    const full = evaluateInterface({
      ...cell,
      soc: 0.4,
      temperatureK: 298.15,
      stackPressureMPa: 5,
      cycle: 0,
    });
    expect(first.output.sclReused).toBe(false);
    expect(first.output.interface).toEqual(full.interface);
    expect(first.output.regime).toEqual(full.regime);
    expect(first.output.model).toEqual(full.model);

    const near = twin.step(s, { ...anchor, soc: 0.4009 });
    expect(near.output.sclReused).toBe(true);
    expect(near.output.interface.potentialDropV).toBe(full.interface.potentialDropV);
    expect(near.output.interface.sclResistanceOhmCm2).toBe(full.interface.sclResistanceOhmCm2);
    // mechanics are always current
    const fullNear = evaluateInterface({
      ...cell,
      soc: 0.4009,
      temperatureK: 298.15,
      stackPressureMPa: 5,
      cycle: 0,
    });
    expect(near.output.interface.volumeStrain).toBe(fullNear.interface.volumeStrain);
    expect(near.output.interface.volumeStrain).not.toBe(full.interface.volumeStrain);

    const moved = twin.step(near.state, { ...anchor, soc: 0.401 });
    expect(moved.output.sclReused).toBe(false);
    const uncached = twin.stepUncached(near.state, { ...anchor, soc: 0.401 });
    expect(moved.output).toEqual(uncached.output);
    for (const change of [{ temperatureC: 26 }, { stackPressureMPa: 6 }, { cycle: 1 }]) {
      expect(twin.step(s, { ...anchor, ...change }).output.sclReused).toBe(false);
    }
  });
});

describe('parameterHash', () => {
  it('is stable across key order and processes, and changes with any parameter or material', () => {
    const a = prepareCell(cell, { fSe: 0.1, beta: 0.3 }).parameterHash;
    const b = prepareCell(cell, { beta: 0.3, fSe: 0.1 }).parameterHash;
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(prepareCell(cell, { fSe: 0.1000001 }).parameterHash).not.toBe(a);
    expect(prepareCell(cell, { materials: [{ id: 'Li6PS5Cl', epsR: 30 }] }).parameterHash).not.toBe(a);
    expect(prepareCell({ ...cell, coating: { material: 'LiNbO3', thicknessNm: 5 } }).parameterHash).not.toBe(
      a,
    );
  });
});

describe('calibration (bounded recursive update of f_SE and k_D)', () => {
  it('one step: residual = measured − predicted, bounded log step, moves toward the measurement', () => {
    const s0 = initialCalibrationState(0.1, 0.3);
    const r = calibrate(s0, 200, {
      predictedInterfaceResistanceOhmCm2: 20,
      logSensitivityFSe: 3,
      logSensitivityKD: 0,
    });
    expect(r.residualOhmCm2).toBe(180);
    expect(r.state.fSe).toBeCloseTo(0.1 * Math.exp(0.25), 12); // clamped at maxLogStep
    expect(r.state.kD).toBe(0.3); // no sensitivity → no change
    const none = calibrate(s0, 20, {
      predictedInterfaceResistanceOhmCm2: 20,
      logSensitivityFSe: 3,
      logSensitivityKD: 1,
    });
    expect(none.state.fSe).toBe(0.1);
    expect(none.residualOhmCm2).toBe(0);
  });

  it('recovers f_SE from impedance measurements of a twin with a different true f_SE', () => {
    const truth = createInterfaceTwin(cell, { fSe: 0.13 });
    const twin = createInterfaceTwin(cell, { fSe: 0.1 });
    let ts = truth.initialState();
    let s = twin.initialState();
    const residuals: number[] = [];
    for (let i = 0; i < 30; i++) {
      const sample = { soc: 0.2 + 0.02 * (i % 20), temperatureC: 25, stackPressureMPa: 50, cycle: 0 };
      const t = truth.step(ts, sample);
      ts = t.state;
      s = twin.step(s, sample).state;
      const c = twin.calibrate(s, t.output.interface.predictedInterfaceResistanceOhmCm2!);
      s = c.state;
      residuals.push(Math.abs(c.residualOhmCm2));
    }
    expect(s.calibration.fSe).toBeCloseTo(0.13, 3);
    expect(residuals[residuals.length - 1]).toBeLessThan(0.01 * residuals[0]);
    expect(s.parameterHash).not.toBe(twin.initialState().parameterHash);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
