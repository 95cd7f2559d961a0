import {
  normaliseResistance,
  pulseResistanceExtractor,
  REGIME_NAMES,
  type PulseResistanceEstimate,
  type PulseResistanceExtractor,
  type PulseResistanceState,
  type PulseSample,
  type RegimeName,
  type SignalObservation,
} from '@twin/alerts';
import type { CycleSummary, SamplePoint } from '@twin/contracts';
import { trapezoidChargeAh } from '@twin/twin';

/**
 * Pure signal extraction for alerting: a twin `applied$` event in, observations out. No Nest, no I/O,
 * plain-JSON state, so the replay engine runs exactly this code with a fresh state and gets the same
 * observations the live service saw.
 */

/** What `TwinService.applied$` emits, reduced to what extraction reads. */
export interface TwinAppliedEvent {
  cellId: string;
  /** In seq order. */
  samples: readonly SamplePoint[];
  /** Twin state after the last sample. */
  state: {
    soc: number;
    outputs: Record<string, unknown>;
    cycles?: { open: { index: number } | null };
  };
  recomputed: boolean;
}

export interface ExtractionCell {
  nominalCapacityAh: number;
  electrodeAreaCm2: number;
}

export interface SignalExtractionParams {
  /** Read-out delay for the ohmic resistance, s (0 = the instantaneous step). */
  ohmicDelaySeconds: number;
  /** Read-out delay for ohmic + interface, s: several interface time constants. */
  interfaceDelaySeconds: number;
  /** A current step of at least this many C counts as a pulse edge. */
  minStepCRate: number;
  /** |I| at or below this many C is rest. */
  restCRate: number;
  /** Used when the twin's interface model gives no activation energy, eV. */
  defaultActivationEnergyEv: number;
  referenceTemperatureC: number;
  /**
   * Pulses taken further than this from the reference temperature are not used, K: the Arrhenius
   * extrapolation leans on one activation energy, and at high temperature R is small, so the same
   * voltage noise gives a several times larger relative error (5× at 68 °C for 0.35 eV).
   */
  maxTemperatureOffsetK: number;
  /** Only pulses whose pre-edge SOC lies inside this window are used (null = all). */
  socWindow: [number, number] | null;
  /** RMS voltage noise of the rig, V; gives each pulse a standard error (null = unknown). */
  voltageNoiseV: number | null;
  /** Emit per-sample voltage and temperature observations (the limit rules). */
  perSampleLimits: boolean;
}

export const DEFAULT_EXTRACTION_PARAMS: SignalExtractionParams = {
  ohmicDelaySeconds: 0,
  interfaceDelaySeconds: 5,
  minStepCRate: 0.05,
  restCRate: 0.002,
  defaultActivationEnergyEv: 0.35,
  referenceTemperatureC: 25,
  maxTemperatureOffsetK: 15,
  socWindow: null,
  voltageNoiseV: null,
  perSampleLimits: true,
};

/** Normalised pulse results of the cycle being accumulated. */
interface CycleAccumulator {
  cycle: number;
  ohmicOhm: number[];
  totalOhm: number[];
  interfaceOhm: number[];
  uncertaintyOhm: number[];
  socs: number[];
  lastTsMs: number;
  /** Ohmic estimates waiting for the delayed read-out of the same edge, by edge time. */
  unpaired: { edgeTsMs: number; ohmOhm: number }[];
}

export interface SignalExtractionState {
  ohmic: PulseResistanceState;
  delayed: PulseResistanceState;
  current: CycleAccumulator | null;
  /** Cycle of the last contact/regime observation: the twin's model outputs are sampled once per cycle. */
  lastModelCycle: number | null;
  /** Highest closed cycle already turned into a capacity observation (re-closed cycles are skipped). */
  lastCapacityCycle: number | null;
  regime: RegimeName | null;
}

export function initialExtractionState(): SignalExtractionState {
  return {
    ohmic: { prev: null, pending: null },
    delayed: { prev: null, pending: null },
    current: null,
    lastModelCycle: null,
    lastCapacityCycle: null,
    regime: null,
  };
}

export interface ExtractionResult {
  state: SignalExtractionState;
  observations: SignalObservation[];
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The twin's regime label: `outputs.regime` as a string, or `{regime}` from the classifier result. */
export function regimeOf(outputs: Record<string, unknown>): RegimeName | null {
  const raw = outputs.regime;
  const label = typeof raw === 'string' ? raw : record(raw)?.regime;
  return typeof label === 'string' && (REGIME_NAMES as readonly string[]).includes(label)
    ? (label as RegimeName)
    : null;
}

/** Activation energy of the interface model when it runs, else the documented default. */
export function activationEnergyOf(outputs: Record<string, unknown>, params: SignalExtractionParams): number {
  const ea = finite(record(outputs.interface)?.activationEnergyEv);
  return ea !== null && ea >= 0 ? ea : params.defaultActivationEnergyEv;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * SOC at every sample, counted backwards from the twin's SOC after the last one with the twin's own
 * trapezoidal rule (libs/twin coulomb-counting), so it matches what the twin showed at each sample.
 */
export function socsBackwards(
  samples: readonly SamplePoint[],
  finalSoc: number,
  capacityAh: number,
): number[] {
  const socs = new Array<number>(samples.length);
  let soc = finalSoc;
  for (let i = samples.length - 1; i >= 0; i--) {
    socs[i] = soc;
    if (i > 0) {
      const a = samples[i - 1];
      const b = samples[i];
      soc -= trapezoidChargeAh(a.currentA, b.currentA, b.tsMs - a.tsMs) / capacityAh;
    }
  }
  return socs;
}

function newAccumulator(cycle: number): CycleAccumulator {
  return {
    cycle,
    ohmicOhm: [],
    totalOhm: [],
    interfaceOhm: [],
    uncertaintyOhm: [],
    socs: [],
    lastTsMs: 0,
    unpaired: [],
  };
}

/**
 * One observation per signal for a finished cycle: the median of its normalised pulse resistances.
 * The median, not the mean, so one pulse disturbed by a rig hiccup cannot move the cycle's value; its
 * standard error is ≈ 1.2533·σ/√n for normal data (Kendall & Stuart, vol. 1, §10.10).
 */
function closeCycle(
  acc: CycleAccumulator,
  cell: ExtractionCell,
  regime: RegimeName | null,
): SignalObservation[] {
  const out: SignalObservation[] = [];
  const soc = acc.socs.length > 0 ? median(acc.socs) : null;
  const base = { tsMs: acc.lastTsMs, cycle: acc.cycle, soc, regime };
  const stdErrOf = (count: number): number | null =>
    acc.uncertaintyOhm.length > 0 ? (1.2533 * median(acc.uncertaintyOhm)) / Math.sqrt(count) : null;
  if (acc.ohmicOhm.length > 0) {
    out.push({
      ...base,
      signal: 'ohmicResistanceOhm',
      value: median(acc.ohmicOhm),
      stdErr: stdErrOf(acc.ohmicOhm.length),
    });
  }
  if (acc.totalOhm.length > 0) {
    out.push({
      ...base,
      signal: 'pulseResistanceOhm',
      value: median(acc.totalOhm),
      stdErr: stdErrOf(acc.totalOhm.length),
    });
  }
  if (acc.interfaceOhm.length > 0) {
    const se = stdErrOf(acc.interfaceOhm.length);
    // Ω → Ω·cm²: an area-specific resistance is R·A (docs/physics.md §1.7), so cells of different size compare.
    out.push({
      ...base,
      signal: 'interfaceResistanceOhmCm2',
      value: median(acc.interfaceOhm) * cell.electrodeAreaCm2,
      stdErr: se === null ? null : se * Math.SQRT2 * cell.electrodeAreaCm2,
    });
  }
  return out;
}

/**
 * Turns one `applied$` batch into observations, in sample order:
 * - `voltageV` and `temperatureC` for every sample (limit rules);
 * - per cycle, when the next cycle starts: `ohmicResistanceOhm` (ΔV/ΔI at `ohmicDelaySeconds`),
 *   `pulseResistanceOhm` (at `interfaceDelaySeconds`) and `interfaceResistanceOhmCm2` (their difference
 *   per edge × electrode area), each normalised to the reference temperature by Arrhenius with the
 *   twin's activation energy, and the median over the cycle's pulses;
 * - `contactFraction` and `regime` from the twin's outputs, once per cycle.
 * Recomputed batches (a late sample made the twin rewind) are skipped: their samples arrive out of
 * order for the edge detector, and skipping keeps the result a function of the in-order stream.
 */
export function extractObservations(
  state: SignalExtractionState,
  event: TwinAppliedEvent,
  cell: ExtractionCell,
  params: SignalExtractionParams = DEFAULT_EXTRACTION_PARAMS,
): ExtractionResult {
  if (event.recomputed || event.samples.length === 0) return { state, observations: [] };
  const outputs = event.state.outputs ?? {};
  const regime = regimeOf(outputs) ?? state.regime;
  const activationEnergyEv = activationEnergyOf(outputs, params);
  const batchCycle = event.state.cycles?.open?.index ?? null;
  const extractors = extractorsFor(params, cell.nominalCapacityAh);
  const normalise = (e: PulseResistanceEstimate): number =>
    e.temperatureC === null
      ? e.resistanceOhm
      : normaliseResistance(
          { resistance: e.resistanceOhm, temperatureC: e.temperatureC },
          { activationEnergyEv, referenceTemperatureC: params.referenceTemperatureC },
        );
  const inWindow = (e: PulseResistanceEstimate): boolean =>
    (e.temperatureC === null ||
      Math.abs(e.temperatureC - params.referenceTemperatureC) <= params.maxTemperatureOffsetK) &&
    (params.socWindow === null ||
      (e.soc !== null && e.soc >= params.socWindow[0] && e.soc <= params.socWindow[1]));

  const socs = socsBackwards(event.samples, event.state.soc, cell.nominalCapacityAh);
  const observations: SignalObservation[] = [];
  const ohmic = extractors.ohmic.cursor(state.ohmic);
  const delayed = extractors.delayed.cursor(state.delayed);
  // The caller's accumulator is copied only when this batch changes it (a pulse read out): most
  // batches carry no pulse, and a copy per batch was a visible share of live alerting's garbage.
  let acc: CycleAccumulator | null = state.current;
  let accOwned = false;
  const ownAcc = (held: CycleAccumulator): CycleAccumulator => {
    if (accOwned) return held;
    accOwned = true;
    acc = cloneAccumulator(held);
    return acc;
  };

  for (let i = 0; i < event.samples.length; i++) {
    const sample = event.samples[i];
    const cycle = sample.cycle ?? batchCycle;
    if (cycle !== null && acc !== null && cycle !== acc.cycle) {
      observations.push(...closeCycle(acc, cell, regime));
      acc = null;
    }
    if (acc === null && cycle !== null) {
      acc = newAccumulator(cycle);
      accOwned = true;
    }
    const soc = socs[i];
    const temperatureC = sample.temperatureC ?? null;
    if (params.perSampleLimits) {
      observations.push({
        signal: 'voltageV',
        value: sample.voltageV,
        tsMs: sample.tsMs,
        cycle,
        soc,
        regime,
      });
      if (temperatureC !== null) {
        observations.push({
          signal: 'temperatureC',
          value: temperatureC,
          tsMs: sample.tsMs,
          cycle,
          soc,
          regime,
        });
      }
    }
    const pulse: PulseSample = {
      tsMs: sample.tsMs,
      voltageV: sample.voltageV,
      currentA: sample.currentA,
      soc,
      temperatureC,
      cycle,
    };
    const o = ohmic.push(pulse);
    const d = delayed.push(pulse);
    if (acc === null) continue;
    if (o !== null && inWindow(o)) {
      const into = ownAcc(acc);
      const value = normalise(o);
      into.ohmicOhm.push(value);
      into.unpaired.push({ edgeTsMs: o.edgeTsMs, ohmOhm: value });
      if (params.voltageNoiseV !== null) into.uncertaintyOhm.push(o.uncertaintyOhm);
      if (o.soc !== null) into.socs.push(o.soc);
      into.lastTsMs = Math.max(into.lastTsMs, o.measuredAtMs);
    }
    if (d !== null && inWindow(d)) {
      const into = ownAcc(acc);
      const total = normalise(d);
      into.totalOhm.push(total);
      into.lastTsMs = Math.max(into.lastTsMs, d.measuredAtMs);
      const pair = into.unpaired.find((u) => u.edgeTsMs === d.edgeTsMs);
      if (pair) into.interfaceOhm.push(total - pair.ohmOhm);
      // Edges older than this one can no longer be paired: the delayed extractor reads out in order.
      into.unpaired = into.unpaired.filter((u) => u.edgeTsMs > d.edgeTsMs);
    }
  }

  const lastCycle = acc?.cycle ?? batchCycle;
  let lastModelCycle = state.lastModelCycle;
  if (lastCycle !== null && lastCycle !== lastModelCycle) {
    const last = event.samples[event.samples.length - 1];
    const base = { tsMs: last.tsMs, cycle: lastCycle, soc: event.state.soc, regime };
    const contactFraction = finite(record(outputs.interface)?.contactFraction);
    if (contactFraction !== null)
      observations.push({ ...base, signal: 'contactFraction', value: contactFraction });
    if (regime !== null) observations.push({ ...base, signal: 'regime', value: regime });
    lastModelCycle = lastCycle;
  }

  return {
    state: {
      ohmic: ohmic.state(),
      delayed: delayed.state(),
      current: acc,
      lastModelCycle,
      lastCapacityCycle: state.lastCapacityCycle,
      regime,
    },
    observations,
  };
}

interface Extractors {
  ohmic: PulseResistanceExtractor;
  delayed: PulseResistanceExtractor;
}

/** Extractors by params and nominal capacity: made once, not per batch (they are pure, so shared). */
const extractorCache = new WeakMap<SignalExtractionParams, Map<number, Extractors>>();

function extractorsFor(params: SignalExtractionParams, nominalCapacityAh: number): Extractors {
  let byCapacity = extractorCache.get(params);
  if (byCapacity === undefined) {
    byCapacity = new Map();
    extractorCache.set(params, byCapacity);
  }
  const known = byCapacity.get(nominalCapacityAh);
  if (known !== undefined) return known;
  const common = {
    minStepA: params.minStepCRate * nominalCapacityAh,
    restCurrentA: params.restCRate * nominalCapacityAh,
    ...(params.voltageNoiseV !== null ? { voltageNoiseV: params.voltageNoiseV } : {}),
  };
  const made = {
    ohmic: pulseResistanceExtractor({ ...common, delaySeconds: params.ohmicDelaySeconds }),
    delayed: pulseResistanceExtractor({ ...common, delaySeconds: params.interfaceDelaySeconds }),
  };
  byCapacity.set(nominalCapacityAh, made);
  return made;
}

function cloneAccumulator(acc: CycleAccumulator): CycleAccumulator {
  return {
    ...acc,
    ohmicOhm: [...acc.ohmicOhm],
    totalOhm: [...acc.totalOhm],
    interfaceOhm: [...acc.interfaceOhm],
    uncertaintyOhm: [...acc.uncertaintyOhm],
    socs: [...acc.socs],
    unpaired: [...acc.unpaired],
  };
}

/**
 * The discharge capacity of a closed cycle (`TwinService.cycleClosed$`) as a `dischargeCapacityAh`
 * observation. A cycle re-closed after a recompute, or one without discharge, gives none.
 */
export function capacityObservation(
  state: SignalExtractionState,
  summary: CycleSummary,
): { state: SignalExtractionState; observation: SignalObservation | null } {
  if (state.lastCapacityCycle !== null && summary.index <= state.lastCapacityCycle) {
    return { state, observation: null };
  }
  const next = { ...state, lastCapacityCycle: summary.index };
  if (!(summary.dischargeAh > 0)) return { state: next, observation: null };
  return {
    state: next,
    observation: {
      signal: 'dischargeCapacityAh',
      value: summary.dischargeAh,
      tsMs: Date.parse(summary.endTs),
      cycle: summary.index,
      soc: null,
      regime: state.regime,
    },
  };
}
