import {
  createAlertEvaluator,
  defaultAlertRules,
  type AlertEvent,
  type SignalObservation,
} from '@twin/alerts';
import type { CycleSummary, SamplePoint } from '@twin/contracts';
import { stepCellTwin, summarizeCycle, type CellTwinState } from '@twin/twin';
import { describe, expect, it } from 'vitest';
import { generateScenario, type ScenarioKind, type ScenarioOptions } from '../../../rig-sim/src/scenarios';
import {
  capacityObservation,
  DEFAULT_EXTRACTION_PARAMS,
  extractObservations,
  initialExtractionState,
  socsBackwards,
  type SignalExtractionParams,
} from './signal-extraction';

const CELL = { nominalCapacityAh: 0.005, electrodeAreaCm2: 0.785 };
const TWIN = { cellId: 'c', nominalCapacityAh: 0.005, initialSoc: 0.5 };

/** The live path without Nest: twin step → extraction per batch → capacity per closed cycle. */
function runStream(
  samples: SamplePoint[],
  batchSize: number,
  params: SignalExtractionParams = DEFAULT_EXTRACTION_PARAMS,
): SignalObservation[] {
  let twin: CellTwinState | null = null;
  let state = initialExtractionState();
  const out: SignalObservation[] = [];
  for (let i = 0; i < samples.length; i += batchSize) {
    const batch = samples.slice(i, i + batchSize);
    const closed: CycleSummary[] = [];
    for (const s of batch) {
      const r = stepCellTwin(TWIN, twin, s, null);
      twin = r.state;
      if (r.closedCycle) closed.push(summarizeCycle(r.closedCycle));
    }
    const extracted = extractObservations(
      state,
      { cellId: 'c', samples: batch, state: twin!, recomputed: false },
      CELL,
      params,
    );
    state = extracted.state;
    out.push(...extracted.observations);
    for (const c of closed) {
      const cap = capacityObservation(state, c);
      state = cap.state;
      if (cap.observation) out.push(cap.observation);
    }
  }
  return out;
}

const scenario = (kind: ScenarioKind, options: ScenarioOptions): SamplePoint[] => [
  ...generateScenario(kind, options),
];
const values = (obs: SignalObservation[], signal: string) =>
  obs.filter((o) => o.signal === signal).map((o) => o.value as number);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('extractObservations', () => {
  it('recovers the simulated ohmic and interface resistances from the pulse edges', () => {
    const obs = runStream(scenario('stable', { cycles: 40, noiseV: 0 }), 5000);
    const ohmic = values(obs, 'ohmicResistanceOhm');
    const iface = values(obs, 'interfaceResistanceOhmCm2');
    // One value per finished cycle (the last cycle is still open).
    expect(ohmic).toHaveLength(39);
    expect(iface).toHaveLength(39);
    // Delay 0 reads the pure ohmic step: 8 Ω at the reference temperature. An edge leaving current is
    // normalised with the temperature after it, while R belongs to the one before: 0.03 K of sensor
    // noise × d lnR/dT = Ea/(kB·T²) = 0.046 /K leaves ≈ 0.15 % of scatter.
    for (const r of ohmic) expect(Math.abs(r / 8 - 1)).toBeLessThan(0.005);
    // 5 s = 5τ leaves e^-5 of the RC step unread; the OCV drift during the delay adds
    // (dOCV/dSOC)·Δt/(3600·C) = 0.5·5/(3600·0.005) = 0.139 Ω on the two edges that enter a current.
    // The median of a cycle's four edges (two with, two without drift) is their mean.
    const expected = (12 * (1 - Math.exp(-5)) + 0.139 / 2) * 0.785;
    for (const r of iface) expect(Math.abs(r / expected - 1)).toBeLessThan(0.006);
  });

  it('normalises to 25 °C with the Arrhenius factor, and drops pulses far from it', () => {
    const warm = scenario('stable', { cycles: 10, noiseV: 0, temperatureC: 35 });
    const wide = { ...DEFAULT_EXTRACTION_PARAMS, maxTemperatureOffsetK: 20 };
    for (const r of values(runStream(warm, 5000, wide), 'ohmicResistanceOhm')) {
      expect(Math.abs(r / 8 - 1)).toBeLessThan(0.005);
    }
    // Un-normalised, 35 °C gives 8·exp[(0.35/kB)(1/308.15 − 1/298.15)] = 5.14 Ω.
    const raw = values(
      runStream(warm, 5000, { ...wide, defaultActivationEnergyEv: 0 }),
      'ohmicResistanceOhm',
    );
    // The simulated room swings by up to 0.3 K (≈ 1.4 % of R), hence the 2 % band.
    const expectedRaw = 8 * Math.exp((0.35 / 8.617333262e-5) * (1 / 308.15 - 1 / 298.15));
    expect(expectedRaw).toBeCloseTo(5.14, 2);
    expect(Math.abs(mean(raw) / expectedRaw - 1)).toBeLessThan(0.02);
    const narrow = { ...DEFAULT_EXTRACTION_PARAMS, maxTemperatureOffsetK: 5 };
    expect(values(runStream(warm, 5000, narrow), 'ohmicResistanceOhm')).toEqual([]);
  });

  it('gives the same observations whatever the batch sizes (a replay may batch differently)', () => {
    const samples = scenario('interface-rise', { cycles: 60, onsetCycle: 20, seed: 7 });
    // Model outputs and closed-cycle capacities come at batch ends by design; the rest is per sample.
    const perCycle = (obs: SignalObservation[]) =>
      obs.filter((o) => !['contactFraction', 'regime', 'dischargeCapacityAh'].includes(o.signal));
    const capacities = (obs: SignalObservation[]) =>
      obs.filter((o) => o.signal === 'dischargeCapacityAh').map((o) => [o.cycle, o.value]);
    expect(capacities(runStream(samples, 777))).toEqual(capacities(runStream(samples, 5000)));
    const a = perCycle(runStream(samples, 5000));
    const b = perCycle(runStream(samples, 777));
    expect(b).toHaveLength(a.length);
    b.forEach((o, i) => {
      expect(o.signal).toBe(a[i].signal);
      expect(o.cycle).toBe(a[i].cycle);
      expect(o.value as number).toBeCloseTo(a[i].value as number, 9);
    });
  });

  it('does not mutate the state it is given and skips recomputed batches', () => {
    const samples = scenario('stable', { cycles: 3 });
    let twin: CellTwinState | null = null;
    for (const s of samples.slice(0, 100)) twin = stepCellTwin(TWIN, twin, s, null).state;
    const first = extractObservations(
      initialExtractionState(),
      { cellId: 'c', samples: samples.slice(0, 100), state: twin!, recomputed: false },
      CELL,
    );
    const frozen = JSON.stringify(first.state);
    for (const s of samples.slice(100)) twin = stepCellTwin(TWIN, twin, s, null).state;
    const event = { cellId: 'c', samples: samples.slice(100), state: twin!, recomputed: false };
    const second = extractObservations(first.state, event, CELL);
    expect(JSON.stringify(first.state)).toBe(frozen);
    expect(second.observations.length).toBeGreaterThan(0);
    const skipped = extractObservations(first.state, { ...event, recomputed: true }, CELL);
    expect(skipped).toEqual({ state: first.state, observations: [] });
  });

  it("leaves every batch's input state as it was, pending pulses and filled accumulators included", () => {
    const samples = scenario('interface-rise', { cycles: 8, onsetCycle: 4, seed: 3 });
    let twin: CellTwinState | null = null;
    let state = initialExtractionState();
    let withPending = 0;
    let withPulses = 0;
    for (let i = 0; i < samples.length; i += 7) {
      const batch = samples.slice(i, i + 7);
      for (const s of batch) twin = stepCellTwin(TWIN, twin, s, null).state;
      if (state.delayed.pending !== null) withPending += 1;
      if ((state.current?.totalOhm.length ?? 0) > 0) withPulses += 1;
      const before = JSON.stringify(state);
      const next = extractObservations(
        state,
        { cellId: 'c', samples: batch, state: twin!, recomputed: false },
        CELL,
      );
      expect(JSON.stringify(state)).toBe(before);
      state = next.state;
    }
    // The batches above did start with an edge waiting for its read-out and with pulses accumulated.
    expect(withPending).toBeGreaterThan(10);
    expect(withPulses).toBeGreaterThan(10);
  });

  it('reads contact fraction, regime and activation energy from the twin outputs once per cycle', () => {
    const samples = scenario('stable', { cycles: 2, noiseV: 0, temperatureC: 35 });
    let twin: CellTwinState | null = null;
    for (const s of samples) twin = stepCellTwin(TWIN, twin, s, null).state;
    const outputs = { interface: { contactFraction: 0.93, activationEnergyEv: 0 }, regime: 'mechanical' };
    const params = { ...DEFAULT_EXTRACTION_PARAMS, maxTemperatureOffsetK: 20 };
    const event = { cellId: 'c', samples, state: { ...twin!, outputs }, recomputed: false };
    const { observations } = extractObservations(initialExtractionState(), event, CELL, params);
    expect(observations.filter((o) => o.signal === 'contactFraction').map((o) => o.value)).toEqual([0.93]);
    expect(observations.filter((o) => o.signal === 'regime').map((o) => [o.value, o.cycle])).toEqual([
      ['mechanical', 2],
    ]);
    // Ea = 0 from the model: no temperature correction, so the 35 °C value stays at 5.14 Ω.
    expect(values(observations, 'ohmicResistanceOhm')[0]).toBeCloseTo(5.14, 2);
    expect(observations.every((o) => o.regime === 'mechanical')).toBe(true);
  });
});

describe('socsBackwards', () => {
  it('reproduces the SOC the twin counted forwards at every sample', () => {
    const samples = scenario('contact-loss', { cycles: 5, onsetCycle: 2 });
    let twin: CellTwinState | null = null;
    const forward: number[] = [];
    for (const s of samples) {
      twin = stepCellTwin(TWIN, twin, s, null).state;
      forward.push(twin.soc);
    }
    const backward = socsBackwards(samples, twin!.soc, TWIN.nominalCapacityAh);
    backward.forEach((soc, i) => expect(soc).toBeCloseTo(forward[i], 12));
  });
});

describe('capacityObservation', () => {
  const summary = (index: number, dischargeAh: number) =>
    ({ index, dischargeAh, endTs: '2026-01-01T00:00:00.000Z' }) as CycleSummary;

  it('emits each closed cycle once and skips cycles without discharge', () => {
    let state = initialExtractionState();
    const a = capacityObservation(state, summary(3, 0.004));
    expect(a.observation).toMatchObject({ signal: 'dischargeCapacityAh', value: 0.004, cycle: 3 });
    state = a.state;
    expect(capacityObservation(state, summary(3, 0.0041)).observation).toBeNull();
    expect(capacityObservation(state, summary(4, 0)).observation).toBeNull();
  });
});

/** The default rules on the pure path, as a replay runs them; onset at cycle 100. */
function firstOpens(kind: ScenarioKind, cycles: number, seed = 1): Map<string, AlertEvent> {
  const evaluator = createAlertEvaluator(defaultAlertRules());
  let state = evaluator.init();
  const opens = new Map<string, AlertEvent>();
  for (const o of runStream(scenario(kind, { cycles, onsetCycle: 100, seed }), 5000)) {
    const r = evaluator.step(state, { cellId: 'c' }, o);
    state = r.state;
    for (const e of r.events) if (e.type === 'open' && !opens.has(e.ruleId)) opens.set(e.ruleId, e);
  }
  return opens;
}

describe('default rules on the extracted signals', () => {
  it('flag each drift soon after its onset and nothing else before it', () => {
    const rise = firstOpens('interface-rise', 140);
    expect(rise.get('default:interface-resistance-cusum')!.cycle! - 100).toBeLessThanOrEqual(12);
    const contact = firstOpens('contact-loss', 140);
    expect(contact.get('default:interface-resistance-cusum')!.cycle! - 100).toBeLessThanOrEqual(12);
    expect(contact.get('default:capacity-fade-rate')!.cycle! - 100).toBeLessThanOrEqual(15);
    const jump = firstOpens('ohmic-jump', 120);
    expect(jump.get('default:ohmic-resistance-cusum')!.cycle! - 100).toBeLessThanOrEqual(4);
    const hot = firstOpens('temperature-excursion', 120);
    expect(hot.get('default:temperature-high')!.cycle).toBe(100);
    for (const opens of [rise, contact, jump, hot]) {
      for (const e of opens.values()) expect(e.cycle!).toBeGreaterThanOrEqual(100);
    }
    // Normalised and with pulses far from 25 °C left out, the excursion raises no resistance alert.
    expect([...hot.keys()]).toEqual(['default:temperature-high']);
  });
});
