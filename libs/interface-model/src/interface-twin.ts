/**
 * Per-sample interface twin for the live pipeline: a pure `(state, sample) => { state, output }` step whose state is
 * plain JSON (checkpointed to the database). The SCL (physics.md §1.4–1.8) is re-solved only when SOC moved by
 * ≥ 0.001 or T, pressure, cycle or parameters changed; contact and mechanics (§4) are recomputed every sample.
 * Same state + same samples in the same order → identical outputs (no clock, no randomness, no hidden caches that
 * change results: the prepared-cell memo below only memoises a pure function of the state).
 */
import {
  assemble,
  electrostaticsAt,
  mechanicsAt,
  prepareCell,
  predictedInterfaceResistance,
  validateCycle,
  validatePressureMPa,
  validateSoc,
  validateTemperatureK,
  type CellConfig,
  type ElectrostaticPart,
  type InterfaceSummary,
  type MechanicsReport,
  type ModelStamp,
  type PreparedCell,
} from './cell-model';
import { MODEL_VERSION } from './constants';
import {
  calibrate,
  initialCalibrationState,
  type CalibrationOptions,
  type CalibrationPrediction,
  type CalibrationState,
} from './calibrate';
import { InterfaceModelInputError } from './errors';
import { socToLithiumContent, volumeStrain } from './mechanics/lattice-strain';
import {
  initialMechanicsState,
  totalDamage,
  trackMechanicsSample,
  type MechanicsState,
} from './mechanics/mechanics-state';
import type { InterfaceModelParams } from './parameters';
import type { RegimeResult } from './regime';

export interface TwinSample {
  readonly soc: number;
  readonly temperatureC: number;
  readonly stackPressureMPa: number;
  readonly cycle: number;
}

export interface TwinCache {
  readonly soc: number;
  readonly temperatureK: number;
  readonly stackPressureMPa: number;
  readonly cycle: number;
  readonly parameterHash: string;
  readonly electrostatics: ElectrostaticPart;
}

export interface TwinState {
  readonly schema: 1;
  readonly parameterHash: string;
  readonly calibration: CalibrationState;
  readonly mechanics: MechanicsState;
  readonly cache: TwinCache | null;
  readonly samples: number;
  readonly sclEvaluations: number;
  readonly lastSample: TwinSample | null;
}

/** What the twin says at a stepped state: a pure function of that state (`outputOf`). */
export interface TwinReading {
  readonly interface: InterfaceSummary;
  readonly regime: RegimeResult;
  readonly mechanics: MechanicsReport;
  readonly model: ModelStamp;
}

export interface TwinOutput extends TwinReading {
  /** true when the SCL values come from the cache (SOC within tolerance of the cached point). */
  readonly sclReused: boolean;
}

export interface TwinStepResult {
  readonly state: TwinState;
  readonly output: TwinOutput;
}

export interface TwinOptions {
  /** Absolute SOC change that triggers a new SCL solve (brief: 0.1 % = 0.001). */
  readonly socTolerance: number;
  /**
   * Temperature change that counts as "changed". 0.05 K moves k_BT by 0.017 %, below the effect of the SOC
   * tolerance, and stops sensor noise in the last digit from defeating the cache.
   */
  readonly temperatureToleranceK: number;
  readonly calibration: Partial<CalibrationOptions>;
}

export const DEFAULT_TWIN_OPTIONS: TwinOptions = {
  socTolerance: 1e-3,
  temperatureToleranceK: 0.05,
  calibration: {},
};

export interface InterfaceTwin {
  readonly cell: PreparedCell;
  initialState(): TwinState;
  step(state: TwinState, sample: TwinSample): TwinStepResult;
  /** Same as step but always re-solves the SCL (the benchmark baseline and the cache test's reference). */
  stepUncached(state: TwinState, sample: TwinSample): TwinStepResult;
  /**
   * The state step alone: `step(s, x).state`, without assembling the output. The output is a pure
   * function of the stepped state (`outputOf`), so a caller that reads only some samples' outputs
   * (the live path: the newest of a batch and the few it pushes) computes just those.
   */
  advance(state: TwinState, sample: TwinSample): TwinState;
  /** The reading of a stepped state: what `step` returned with it, but for `sclReused`. */
  outputOf(state: TwinState): TwinReading;
  calibrate(
    state: TwinState,
    measuredInterfaceResistanceOhmCm2: number,
  ): { state: TwinState; residualOhmCm2: number; params: { fSe: number; kD: number } };
}

const KELVIN_OFFSET = 273.15;

function validateSample(sample: TwinSample): number {
  if (!sample || typeof sample !== 'object')
    throw new InterfaceModelInputError('sample', 'must be an object');
  validateSoc(sample.soc);
  validatePressureMPa(sample.stackPressureMPa);
  validateCycle(sample.cycle);
  if (typeof sample.temperatureC !== 'number')
    throw new InterfaceModelInputError('temperatureC', 'must be a number');
  return validateTemperatureK(sample.temperatureC + KELVIN_OFFSET);
}

/** f_c ∝ (1 − D) and, for small per-cycle rates, 1 − D ≈ exp(−k_D·Σ…), so ∂ln R/∂ln k_D ≈ −ln(1 − D). */
function damageLogSensitivity(mechanics: MechanicsState): number {
  return -Math.log(1 - Math.min(totalDamage(mechanics), 1 - 1e-12));
}

/** Keeps the damage consistent with a new k_D: 1 − D → (1 − D)^{k_D,new/k_D,old} (same approximation). */
function rescaleDamage(mechanics: MechanicsState, rateRatio: number): MechanicsState {
  const d = totalDamage(mechanics);
  if (d <= 0 || rateRatio === 1) return mechanics;
  const dNew = 1 - Math.pow(1 - Math.min(d, 1 - 1e-12), rateRatio);
  const scale = dNew / d;
  return {
    ...mechanics,
    damageReversible: mechanics.damageReversible * scale,
    damageIrreversible: mechanics.damageIrreversible * scale,
  };
}

export function createInterfaceTwin(
  cellConfig: CellConfig,
  params: Partial<InterfaceModelParams> = {},
  options: Partial<TwinOptions> = {},
): InterfaceTwin {
  const opts: TwinOptions = { ...DEFAULT_TWIN_OPTIONS, ...options };
  const baseCell = prepareCell(cellConfig, params);
  const cellMemo = new Map<string, PreparedCell>();

  function cellFor(calibration: CalibrationState): PreparedCell {
    if (calibration.fSe === baseCell.params.fSe && calibration.kD === baseCell.params.kD) return baseCell;
    const key = `${calibration.fSe}|${calibration.kD}`;
    let cell = cellMemo.get(key);
    if (!cell) {
      if (cellMemo.size > 16) cellMemo.clear();
      cell = prepareCell(cellConfig, { ...params, fSe: calibration.fSe, kD: calibration.kD });
      cellMemo.set(key, cell);
    }
    return cell;
  }

  function advance(state: TwinState, sample: TwinSample, forceRecompute: boolean): TwinState {
    const temperatureK = validateSample(sample);
    const cell = cellFor(state.calibration);
    const { soc, stackPressureMPa, cycle } = sample;
    const epsV = volumeStrain(cell.cathode, socToLithiumContent(cell.cathode, soc));
    const mechanicsState = trackMechanicsSample(
      state.mechanics,
      { cycle, volumeStrain: epsV, stackPressureMPa },
      cell.params,
    );
    const c = state.cache;
    const reuse =
      !forceRecompute &&
      c !== null &&
      c.parameterHash === cell.parameterHash &&
      Math.abs(soc - c.soc) < opts.socTolerance &&
      Math.abs(temperatureK - c.temperatureK) <= opts.temperatureToleranceK &&
      stackPressureMPa === c.stackPressureMPa &&
      cycle === c.cycle;
    const cache: TwinCache = reuse
      ? (c as TwinCache)
      : {
          soc,
          temperatureK,
          stackPressureMPa,
          cycle,
          parameterHash: cell.parameterHash,
          electrostatics: electrostaticsAt(cell, soc, temperatureK, 0).part,
        };
    return {
      schema: 1,
      parameterHash: cell.parameterHash,
      calibration: state.calibration,
      mechanics: mechanicsState,
      cache,
      samples: state.samples + 1,
      sclEvaluations: state.sclEvaluations + (reuse ? 0 : 1),
      lastSample: { soc, temperatureC: sample.temperatureC, stackPressureMPa, cycle },
    };
  }

  /** Contact and mechanics at the state's last sample (§4), assembled with its cached SCL. */
  function outputOf(state: TwinState): TwinReading {
    const last = state.lastSample;
    if (!last || !state.cache) throw new InterfaceModelInputError('state', 'has no stepped sample yet');
    const cell = cellFor(state.calibration);
    const mechanics = mechanicsAt(cell, last.soc, last.stackPressureMPa, state.mechanics);
    const { summary, regime } = assemble(cell, state.cache.electrostatics, mechanics);
    return {
      interface: summary,
      regime,
      mechanics,
      model: { version: MODEL_VERSION, parameterHash: cell.parameterHash },
    };
  }

  function run(state: TwinState, sample: TwinSample, forceRecompute: boolean): TwinStepResult {
    const next = advance(state, sample, forceRecompute);
    // A cache hit is the one step that does not count an SCL evaluation.
    return {
      state: next,
      output: { ...outputOf(next), sclReused: next.sclEvaluations === state.sclEvaluations },
    };
  }

  return {
    cell: baseCell,
    initialState() {
      return {
        schema: 1,
        parameterHash: baseCell.parameterHash,
        calibration: initialCalibrationState(baseCell.params.fSe, baseCell.params.kD),
        mechanics: initialMechanicsState(),
        cache: null,
        samples: 0,
        sclEvaluations: 0,
        lastSample: null,
      };
    },
    step: (state, sample) => run(state, sample, false),
    stepUncached: (state, sample) => run(state, sample, true),
    advance: (state, sample) => advance(state, sample, false),
    outputOf,
    calibrate(state, measured) {
      const last = state.lastSample;
      if (!last)
        throw new InterfaceModelInputError('state.lastSample', 'calibrate needs at least one stepped sample');
      const cell = cellFor(state.calibration);
      const temperatureK = last.temperatureC + KELVIN_OFFSET;
      const es = electrostaticsAt(cell, last.soc, temperatureK, 0).part;
      const mech = mechanicsAt(cell, last.soc, last.stackPressureMPa, state.mechanics);
      const predicted = predictedInterfaceResistance(es, mech.contactFraction);
      const rFull = es.chargeTransferResistanceOhmCm2 + es.sclResistanceOhmCm2 + es.coatingResistanceOhmCm2;
      // ψ0 ∝ f_SE' and ∂ln f_SE'/∂ln f_SE = f_SE'/f_SE (coating split of §6; 1 when uncoated).
      const shareSlope = es.seShare / cell.params.fSe;
      const rCtSlope = cell.params.beta * Math.max(es.psi0, 0);
      const prediction: CalibrationPrediction = {
        predictedInterfaceResistanceOhmCm2: predicted,
        logSensitivityFSe:
          ((es.chargeTransferResistanceOhmCm2 * rCtSlope +
            es.sclResistanceOhmCm2 * es.sclResistanceLogSensitivity) *
            shareSlope) /
          rFull,
        logSensitivityKD: damageLogSensitivity(state.mechanics),
      };
      const result = calibrate(state.calibration, measured, prediction, opts.calibration);
      const nextCell = cellFor(result.state);
      return {
        state: {
          ...state,
          calibration: result.state,
          mechanics: rescaleDamage(state.mechanics, result.state.kD / state.calibration.kD),
          parameterHash: nextCell.parameterHash,
        },
        residualOhmCm2: result.residualOhmCm2,
        params: result.params,
      };
    },
  };
}
