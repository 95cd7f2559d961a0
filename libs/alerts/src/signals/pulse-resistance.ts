import { requireNonNegative, requirePositive } from '../alert-config.error';

/** One sample of the cycler stream as the extractor needs it (current positive while charging). */
export interface PulseSample {
  tsMs: number;
  voltageV: number;
  currentA: number;
  soc: number | null;
  temperatureC: number | null;
  cycle: number | null;
}

export interface PulseResistanceParams {
  /** |ΔI| between consecutive samples that counts as a current step, A. */
  minStepA: number;
  /** |I| at or below which the cell is at rest: leaving rest is an edge even for a small current, A. */
  restCurrentA?: number;
  /** Delay after the edge at which ΔV is read, s: 0 gives the instantaneous (ohmic) drop. */
  delaySeconds: number;
  /** After the edge the current must stay within this of its first post-edge value, A (default minStepA/2). */
  stepToleranceA?: number;
  /** Quantisation step of the voltage channel, V. */
  voltageResolutionV?: number;
  /** RMS voltage noise, V. */
  voltageNoiseV?: number;
  currentResolutionA?: number;
  currentNoiseA?: number;
  /**
   * Open-circuit voltage vs SOC. When given, the OCV change over the delay (charge passed during it) is
   * taken out of ΔV, which otherwise biases R by (dOCV/dSOC)·ΔSOC/ΔI.
   */
  ocvV?: (soc: number) => number;
  /** Estimates with uncertainty/R above this are dropped (a tiny ΔI gives a meaningless ratio). */
  maxRelativeUncertainty?: number;
}

interface PendingEdge {
  before: PulseSample;
  first: PulseSample;
  /** Latest post-edge sample still before the read-out time. */
  last: PulseSample;
  kind: 'step' | 'rest-edge';
}

export interface PulseResistanceState {
  prev: PulseSample | null;
  pending: PendingEdge | null;
}

export interface PulseResistanceEstimate {
  kind: 'step' | 'rest-edge';
  /** Time of the first sample carrying the new current. */
  edgeTsMs: number;
  measuredAtMs: number;
  resistanceOhm: number;
  /** 1σ, from voltage (and current) resolution and noise. */
  uncertaintyOhm: number;
  deltaVoltageV: number;
  deltaCurrentA: number;
  currentBeforeA: number;
  currentAfterA: number;
  ocvCorrected: boolean;
  soc: number | null;
  temperatureC: number | null;
  cycle: number | null;
}

export interface PulseResistanceStep {
  state: PulseResistanceState;
  estimates: readonly PulseResistanceEstimate[];
}

// Almost every sample gives no estimate: one shared empty list instead of one per sample.
const NONE: readonly PulseResistanceEstimate[] = Object.freeze([]);

/**
 * Steps one stream through a run of samples: the same as folding `step`, but the state is built once,
 * when asked for, instead of once per sample (the live alerting path runs this for every sample).
 * The state it started from is never mutated.
 */
export interface PulseResistanceCursor {
  /** Takes the next sample; the estimate it completes, if any (at most one per sample). */
  push(sample: PulseSample): PulseResistanceEstimate | null;
  /** The state after the samples pushed so far. */
  state(): PulseResistanceState;
}

export interface PulseResistanceExtractor {
  init(): PulseResistanceState;
  step(state: PulseResistanceState, sample: PulseSample): PulseResistanceStep;
  cursor(state: PulseResistanceState): PulseResistanceCursor;
}

function lerp(a: number, b: number, f: number): number {
  return a + f * (b - a);
}

/**
 * Step (pulse) resistance R = ΔV/ΔI from the sample stream, the DC-pulse method of e.g. the
 * USABC/INL battery test manual (HPPC: R = ΔV/ΔI at a fixed time after the current step). ΔV runs from
 * the last pre-edge sample to the voltage at edge + delay, linearly interpolated between the samples
 * that bracket that instant, so the read-out time does not depend on the logging rate.
 */
export function pulseResistanceExtractor(params: PulseResistanceParams): PulseResistanceExtractor {
  const minStepA = requirePositive('minStepA', params.minStepA);
  const restCurrentA =
    params.restCurrentA === undefined ? null : requireNonNegative('restCurrentA', params.restCurrentA);
  const delayMs = requireNonNegative('delaySeconds', params.delaySeconds) * 1000;
  const toleranceA = requireNonNegative('stepToleranceA', params.stepToleranceA ?? minStepA / 2);
  // Uniform quantisation error has variance q²/12 (Widrow & Kollár, Quantization Noise, 2008, ch. 4).
  const varV = (params.voltageNoiseV ?? 0) ** 2 + (params.voltageResolutionV ?? 0) ** 2 / 12;
  const varI = (params.currentNoiseA ?? 0) ** 2 + (params.currentResolutionA ?? 0) ** 2 / 12;
  const maxRel = params.maxRelativeUncertainty ?? Infinity;

  const isEdge = (a: PulseSample, b: PulseSample): PendingEdge['kind'] | null => {
    const resting = (s: PulseSample) => restCurrentA !== null && Math.abs(s.currentA) <= restCurrentA;
    if (resting(a) && !resting(b)) return 'rest-edge';
    return Math.abs(b.currentA - a.currentA) >= minStepA ? 'step' : null;
  };

  const readOut = (edge: PendingEdge, a: PulseSample, b: PulseSample): PulseResistanceEstimate | null => {
    const targetMs = edge.first.tsMs + delayMs;
    const f = b.tsMs === a.tsMs ? 1 : (targetMs - a.tsMs) / (b.tsMs - a.tsMs);
    const vAt = lerp(a.voltageV, b.voltageV, f);
    const iAt = lerp(a.currentA, b.currentA, f);
    const deltaCurrentA = iAt - edge.before.currentA;
    if (deltaCurrentA === 0) return null;
    let deltaVoltageV = vAt - edge.before.voltageV;
    const socBefore = edge.before.soc;
    const socAt = a.soc !== null && b.soc !== null ? lerp(a.soc, b.soc, f) : null;
    const ocvCorrected = params.ocvV !== undefined && socBefore !== null && socAt !== null;
    if (ocvCorrected && params.ocvV !== undefined && socBefore !== null && socAt !== null) {
      deltaVoltageV -= params.ocvV(socAt) - params.ocvV(socBefore);
    }
    const resistanceOhm = deltaVoltageV / deltaCurrentA;
    // Interpolation weights (1−f, f) scale the read-out variance by (1−f)² + f²; the pre-edge sample adds one σ².
    const w = (1 - f) ** 2 + f ** 2;
    const varDeltaV = varV * (1 + w);
    const varDeltaI = varI * (1 + w);
    // First-order propagation for a ratio: σ_R² = (σ_ΔV² + R²σ_ΔI²)/ΔI² (JCGM 100:2008, GUM §5.1.2).
    const uncertaintyOhm = Math.sqrt(varDeltaV + resistanceOhm ** 2 * varDeltaI) / Math.abs(deltaCurrentA);
    if (uncertaintyOhm > maxRel * Math.abs(resistanceOhm)) return null;
    return {
      kind: edge.kind,
      edgeTsMs: edge.first.tsMs,
      measuredAtMs: targetMs,
      resistanceOhm,
      uncertaintyOhm,
      deltaVoltageV,
      deltaCurrentA,
      currentBeforeA: edge.before.currentA,
      currentAfterA: iAt,
      ocvCorrected,
      soc: socBefore,
      temperatureC: edge.first.temperatureC ?? edge.before.temperatureC,
      cycle: edge.first.cycle ?? edge.before.cycle,
    };
  };

  /** Starts an edge; reads it out at once when the delay is already covered by its first sample. */
  const open = (
    cursor: Cursor,
    before: PulseSample,
    first: PulseSample,
    kind: PendingEdge['kind'],
  ): PulseResistanceEstimate | null => {
    const edge: PendingEdge = { before, first, last: first, kind };
    cursor.prev = first;
    if (delayMs === 0) {
      cursor.setPending(null);
      return readOut(edge, first, first);
    }
    cursor.setPending(edge, true);
    return null;
  };

  const push = (cursor: Cursor, sample: PulseSample): PulseResistanceEstimate | null => {
    const prev = cursor.prev;
    if (prev === null) {
      cursor.prev = sample;
      cursor.setPending(null);
      return null;
    }
    // A repeated or out-of-order timestamp cannot be placed on the time axis; it is dropped.
    if (!(sample.tsMs > prev.tsMs)) return null;
    const edgeKind = isEdge(prev, sample);
    const pending = cursor.pending;
    if (pending !== null) {
      const unstable = Math.abs(sample.currentA - pending.first.currentA) > toleranceA;
      if (edgeKind === null && !unstable) {
        cursor.prev = sample;
        if (sample.tsMs >= pending.first.tsMs + delayMs) {
          cursor.setPending(null);
          return readOut(pending, pending.last, sample);
        }
        cursor.extendPending(sample);
        return null;
      }
      // The current moved before the read-out: this pulse gives no clean ΔV/ΔI.
      if (edgeKind === null) {
        cursor.prev = sample;
        cursor.setPending(null);
        return null;
      }
    }
    if (edgeKind !== null) return open(cursor, prev, sample, edgeKind);
    cursor.prev = sample;
    cursor.setPending(null);
    return null;
  };

  const cursorOf = (state: PulseResistanceState): PulseResistanceCursor => {
    const cursor = new Cursor(state);
    return { push: (sample) => push(cursor, sample), state: () => cursor.state() };
  };

  return {
    init: () => ({ prev: null, pending: null }),
    step(state, sample) {
      const cursor = new Cursor(state);
      const estimate = push(cursor, sample);
      return { state: cursor.state(), estimates: estimate === null ? NONE : [estimate] };
    },
    cursor: cursorOf,
  };
}

/**
 * The extractor's working state over one run of samples. A pending edge that came in with the run's
 * start state is copied before it changes; one opened during the run is ours and is updated in place.
 */
class Cursor {
  prev: PulseSample | null;
  pending: PendingEdge | null;
  private pendingOwned = false;

  constructor(private readonly start: PulseResistanceState) {
    this.prev = start.prev;
    this.pending = start.pending;
  }

  setPending(edge: PendingEdge | null, owned = false): void {
    this.pending = edge;
    this.pendingOwned = owned;
  }

  extendPending(sample: PulseSample): void {
    if (this.pending === null) return;
    if (this.pendingOwned) this.pending.last = sample;
    else this.setPending({ ...this.pending, last: sample }, true);
  }

  state(): PulseResistanceState {
    if (this.prev === this.start.prev && this.pending === this.start.pending) return this.start;
    // A copy of an owned edge, so pushing on after this call cannot change the state handed out.
    return { prev: this.prev, pending: this.pending === null ? null : { ...this.pending } };
  }
}
