import { AlertConfigError, requireNonNegative, requirePositive } from '../alert-config.error';
import { validateBaselineSpec, type BaselineState } from './baseline-window';
import type { BaselineSpec } from './detector.types';

/** Parameters shared by the CUSUM and Page–Hinkley detectors; k, h and the bands are in units of σ. */
export interface SequentialParams {
  /** Reference value (allowance, drift δ): half the shift to detect fastest, in σ. */
  k: number;
  /** Decision threshold in σ. */
  h: number;
  baseline: BaselineSpec;
  /** Noise σ in the signal's unit; when absent it is estimated from the baseline window. */
  sigma?: number;
  /** Floor on σ in the signal's unit (a noise-free simulated signal would otherwise give σ = 0). */
  minSigma?: number;
  /** Floor on σ as a fraction of |baseline mean| (e.g. 0.01 = 1 %: the repeatability of an EIS fit). */
  minSigmaRel?: number;
  direction?: 'both' | 'up' | 'down';
  /**
   * Guard against the error of a learned baseline, in standard errors (0 = none). A mean and σ learned
   * from n values are off by ≈ σ/√n and σ/√(2(n−1)); since the in-control ARL is exponential in k·h,
   * that error alone took the false-alarm rate of k = 0.5, h = 8 over 1000 observations from 5 % to
   * 30 % at n = 20 (docs/alerts.md). With guard g, k grows by g/√n and σ by the factor
   * (1 + g/√(2(n−1))). Ignored when both mean and σ are given.
   */
  estimationGuard?: number;
  /**
   * Standardised values are clipped to ±clipSigma before they enter the statistic, so a single wild
   * observation (a failed fit) cannot cross h on its own — a Huber-type robust CUSUM. Absent = no clip.
   */
  clipSigma?: number;
  /** Back inside when the smoothed standardised signal is within ±resolveBandSigma of the baseline. */
  resolveBandSigma?: number;
  /** EWMA weight λ of that smoothing (Roberts 1959); 0.2 leaves a stationary EWMA with σ/3 of spread. */
  resolveSmoothing?: number;
}

export interface ResolvedSequentialParams {
  k: number;
  h: number;
  baseline: BaselineSpec;
  direction: 'both' | 'up' | 'down';
  clipSigma: number;
  estimationGuard: number;
  resolveBandSigma: number;
  resolveSmoothing: number;
}

export function resolveSequentialParams(kind: string, params: SequentialParams): ResolvedSequentialParams {
  const k = requireNonNegative(`${kind}.k`, params.k);
  const h = requirePositive(`${kind}.h`, params.h);
  validateBaselineSpec(params.baseline);
  if (params.sigma !== undefined) requirePositive(`${kind}.sigma`, params.sigma);
  if (params.minSigma !== undefined) requireNonNegative(`${kind}.minSigma`, params.minSigma);
  if (params.minSigmaRel !== undefined) requireNonNegative(`${kind}.minSigmaRel`, params.minSigmaRel);
  if (
    params.baseline.from === 'reference' &&
    params.sigma === undefined &&
    !((params.minSigma ?? 0) > 0) &&
    !((params.minSigmaRel ?? 0) > 0 && params.baseline.value !== 0)
  ) {
    throw new AlertConfigError(
      'ALERT_INVALID_PARAMS',
      `${kind}: a reference baseline needs sigma (or a positive minSigma / minSigmaRel) since no window is learned`,
    );
  }
  const direction = params.direction ?? 'both';
  if (direction !== 'both' && direction !== 'up' && direction !== 'down') {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', `${kind}.direction must be both, up or down`);
  }
  const resolveSmoothing = params.resolveSmoothing ?? 0.2;
  if (!(resolveSmoothing > 0 && resolveSmoothing <= 1)) {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', `${kind}.resolveSmoothing must be in (0, 1]`);
  }
  return {
    k,
    h,
    baseline: params.baseline,
    direction,
    clipSigma:
      params.clipSigma === undefined ? Infinity : requirePositive(`${kind}.clipSigma`, params.clipSigma),
    estimationGuard: requireNonNegative(`${kind}.estimationGuard`, params.estimationGuard ?? 0),
    resolveBandSigma: requirePositive(`${kind}.resolveBandSigma`, params.resolveBandSigma ?? 1),
    resolveSmoothing,
  };
}

export interface Standardisation {
  sigma: number;
  /** k after the estimation guard, σ units. */
  k: number;
}

/**
 * σ used to standardise — the given σ, else the largest of the learned σ (inflated by the guard), the
 * stated stdErr and the floors — and the allowance k widened for an estimated mean. Null when σ is 0.
 */
export function standardisation(
  params: SequentialParams,
  p: ResolvedSequentialParams,
  baseline: BaselineState,
): Standardisation | null {
  if (baseline.mean === null) return null;
  const n = baseline.count;
  const meanLearned = p.baseline.from !== 'reference' && n > 0;
  const k = p.k + (meanLearned ? p.estimationGuard / Math.sqrt(n) : 0);
  if (params.sigma !== undefined) return { sigma: params.sigma, k };
  const learned = baseline.noiseSigma ?? 0;
  const inflate = n > 1 ? 1 + p.estimationGuard / Math.sqrt(2 * (n - 1)) : 1;
  const sigma = Math.max(
    learned * inflate,
    baseline.medianStdErr ?? 0,
    params.minSigma ?? 0,
    (params.minSigmaRel ?? 0) * Math.abs(baseline.mean),
  );
  return sigma > 0 && Number.isFinite(sigma) ? { sigma, k } : null;
}

export function clip(value: number, limit: number): number {
  return Math.min(limit, Math.max(-limit, value));
}

/** Back-inside test on the EWMA of z, one-sided when the detector watches one direction only. */
export function insideResolveBand(ewmaZ: number, p: ResolvedSequentialParams): boolean {
  switch (p.direction) {
    case 'up':
      return ewmaZ <= p.resolveBandSigma;
    case 'down':
      return ewmaZ >= -p.resolveBandSigma;
    case 'both':
      return Math.abs(ewmaZ) <= p.resolveBandSigma;
  }
}
