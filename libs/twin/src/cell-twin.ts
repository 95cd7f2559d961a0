import type { SamplePoint, TwinStatePayload } from '@twin/contracts';
import { trapezoidChargeAh } from './coulomb-counting';
import {
  initialCycleTracker,
  trackCycle,
  type CycleAccumulator,
  type CycleTrackerState,
} from './cycle-tracker';

export interface CellTwinConfig {
  cellId: string;
  nominalCapacityAh: number;
  initialSoc: number;
}

/**
 * A model that rides on the twin's step (the interface model plugs in here). Its state must be
 * plain JSON and its step deterministic: replay and crash recovery recompute it from checkpoints.
 */
export interface TwinModelPlugin<S = unknown> {
  readonly version: string;
  readonly parameterHash: string;
  init(): S;
  step(state: S, input: TwinModelInput): { state: S; outputs: Record<string, unknown> };
  /**
   * `step(s, x).state` without the outputs, and the outputs of a stepped state. A model whose
   * outputs are a pure function of its state offers both, so samples nobody reads are stepped
   * without them (stepCellTwin's `withOutputs`).
   */
  advance?(state: S, input: TwinModelInput): S;
  outputsOf?(state: S): Record<string, unknown>;
  /** Folds a measured interface resistance (Ω·cm²) into the model state; outputs change from the next step. */
  calibrate?(
    state: S,
    measuredInterfaceResistanceOhmCm2: number,
  ): { state: S; outputs: Record<string, unknown> };
}

export interface TwinModelInput {
  seq: number;
  tsMs: number;
  soc: number;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
  cycle: number;
}

/** Everything needed to resume a cell exactly: checkpointed as JSON. */
export interface CellTwinState {
  last: SamplePoint;
  soc: number;
  samplesApplied: number;
  cycles: CycleTrackerState;
  model: unknown;
  outputs: Record<string, unknown>;
}

export interface StepResult {
  state: CellTwinState;
  closedCycle: CycleAccumulator | null;
}

/** Rest threshold for cycle detection: C/1000 keeps rest-period noise from flipping the direction. */
function restCurrentA(config: CellTwinConfig): number {
  return Math.max(1e-9, config.nominalCapacityAh * 1e-3);
}

/**
 * Applies one sample (in seq order) to a cell's twin. SOC is coulomb counting on nominal capacity
 * from `initialSoc`, trapezoidal in current (issue #3); SOC is not clamped, so a mis-set capacity
 * shows up instead of hiding at 0 or 1.
 */
/**
 * One sample through the twin. With `withOutputs` false and a plugin that can `advance`, the
 * model's outputs are not computed and `state.outputs` keeps the previous sample's: the caller
 * must step a later sample with outputs (or call refreshOutputs) before anyone reads them.
 */
export function stepCellTwin(
  config: CellTwinConfig,
  state: CellTwinState | null,
  sample: SamplePoint,
  plugin: TwinModelPlugin | null,
  withOutputs = true,
): StepResult {
  const prev = state?.last ?? null;
  const soc = prev
    ? state!.soc +
      trapezoidChargeAh(prev.currentA, sample.currentA, sample.tsMs - prev.tsMs) / config.nominalCapacityAh
    : config.initialSoc;
  const { tracker, closed } = trackCycle(
    state?.cycles ?? initialCycleTracker(),
    prev,
    sample,
    restCurrentA(config),
  );
  const cycle = tracker.open!.index;
  let model = state ? state.model : plugin ? plugin.init() : null;
  let outputs: Record<string, unknown> = state?.outputs ?? {};
  if (plugin) {
    const input: TwinModelInput = {
      seq: sample.seq,
      tsMs: sample.tsMs,
      soc,
      voltageV: sample.voltageV,
      currentA: sample.currentA,
      temperatureC: sample.temperatureC ?? prev?.temperatureC ?? null,
      cycle,
    };
    if (!withOutputs && state && plugin.advance) {
      model = plugin.advance(model, input);
    } else {
      const stepped = plugin.step(model, input);
      model = stepped.state;
      outputs = stepped.outputs;
    }
  }
  // The state object is advanced in place (one per cell, owned by its runtime): allocating a fresh
  // state per sample dominated the step's cost. Checkpoints serialise it, so history is not needed.
  if (state) {
    state.last = sample;
    state.soc = soc;
    state.samplesApplied += 1;
    state.cycles = tracker;
    state.model = model;
    state.outputs = outputs;
    return { state, closedCycle: closed };
  }
  return {
    state: { last: sample, soc, samplesApplied: 1, cycles: tracker, model, outputs },
    closedCycle: closed,
  };
}

export function twinPayload(cellId: string, state: CellTwinState): TwinStatePayload {
  return {
    cellId,
    seq: state.last.seq,
    ts: new Date(state.last.tsMs).toISOString(),
    soc: state.soc,
    voltageV: state.last.voltageV,
    currentA: state.last.currentA,
    temperatureC: state.last.temperatureC ?? null,
    cycle: state.cycles.open?.index ?? 0,
    ...state.outputs,
  };
}

/**
 * The j-th (from 0) of `count` sample indices spread evenly over a batch of n, all before its
 * newest (n − 1), for the live states sent ahead of a batch's newest; count ≤ n − 1.
 */
export function spreadIndex(j: number, count: number, n: number): number {
  return Math.round(((j + 1) * n) / (count + 1)) - 1;
}
