/**
 * Bounded recursive calibration of the two free parameters f_SE (§1.2) and k_D (§4.4) from measured interface
 * resistances: an extended Kalman step in log space (positivity for free; relative errors are what EIS gives),
 * with every step and the parameters themselves clamped so one outlier cannot throw the twin off.
 */
import { InterfaceModelInputError, requirePositive } from './errors';

export interface CalibrationState {
  readonly fSe: number;
  readonly kD: number;
  /** 2×2 covariance of (ln f_SE, ln k_D), row-major. */
  readonly covariance: readonly [number, number, number, number];
  readonly updates: number;
}

export interface CalibrationPrediction {
  readonly predictedInterfaceResistanceOhmCm2: number;
  /** ∂ln R/∂ln f_SE at the operating point. */
  readonly logSensitivityFSe: number;
  /** ∂ln R/∂ln k_D at the operating point. */
  readonly logSensitivityKD: number;
}

export interface CalibrationOptions {
  /** Relative measurement noise (σ of ln R_measured). */
  readonly measurementLogSigma: number;
  /** Random-walk growth of the log-parameter variance per update. */
  readonly processLogVariance: number;
  /** Largest change of ln f_SE or ln k_D in one update. */
  readonly maxLogStep: number;
  readonly fSeBounds: readonly [number, number];
  readonly kDBounds: readonly [number, number];
}

export const DEFAULT_CALIBRATION_OPTIONS: CalibrationOptions = {
  measurementLogSigma: 0.1,
  processLogVariance: 1e-4,
  maxLogStep: 0.25,
  fSeBounds: [1e-3, 1],
  kDBounds: [1e-6, 100],
};

export function initialCalibrationState(fSe: number, kD: number, priorLogSigma = 0.5): CalibrationState {
  const v = priorLogSigma * priorLogSigma;
  return { fSe, kD, covariance: [v, 0, 0, v], updates: 0 };
}

export interface CalibrationResult {
  readonly state: CalibrationState;
  readonly params: { readonly fSe: number; readonly kD: number };
  /** measured − predicted (before the update). */
  readonly residualOhmCm2: number;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export function calibrate(
  state: CalibrationState,
  measuredInterfaceResistanceOhmCm2: number,
  prediction: CalibrationPrediction,
  options: Partial<CalibrationOptions> = {},
): CalibrationResult {
  const o = { ...DEFAULT_CALIBRATION_OPTIONS, ...options };
  const measured = requirePositive('measuredInterfaceResistanceOhmCm2', measuredInterfaceResistanceOhmCm2);
  const predicted = requirePositive(
    'predictedInterfaceResistanceOhmCm2',
    prediction.predictedInterfaceResistanceOhmCm2,
  );
  const h0 = prediction.logSensitivityFSe;
  const h1 = prediction.logSensitivityKD;
  if (!Number.isFinite(h0) || !Number.isFinite(h1)) {
    throw new InterfaceModelInputError('prediction', 'sensitivities must be finite');
  }
  const q = o.processLogVariance;
  const [p00, p01, p10, p11] = state.covariance;
  const a00 = p00 + q;
  const a11 = p11 + q;
  const innovation = Math.log(measured) - Math.log(predicted);
  // S = H P Hᵀ + R, K = P Hᵀ / S (scalar measurement).
  const ph0 = a00 * h0 + p01 * h1;
  const ph1 = p10 * h0 + a11 * h1;
  const s = h0 * ph0 + h1 * ph1 + o.measurementLogSigma * o.measurementLogSigma;
  const k0 = ph0 / s;
  const k1 = ph1 / s;
  const step0 = clamp(k0 * innovation, -o.maxLogStep, o.maxLogStep);
  const step1 = clamp(k1 * innovation, -o.maxLogStep, o.maxLogStep);
  const fSe = clamp(state.fSe * Math.exp(step0), o.fSeBounds[0], o.fSeBounds[1]);
  const kD = clamp(state.kD * Math.exp(step1), o.kDBounds[0], o.kDBounds[1]);
  // P ← (I − K H) P
  const covariance: [number, number, number, number] = [
    a00 - k0 * ph0,
    p01 - k0 * ph1,
    p10 - k1 * ph0,
    a11 - k1 * ph1,
  ];
  return {
    state: { fSe, kD, covariance, updates: state.updates + 1 },
    params: { fSe, kD },
    residualOhmCm2: measured - predicted,
  };
}
