import { AlertConfigError, requireFinite, requirePositiveInteger } from '../alert-config.error';
import { median, robustNoiseSigma } from '../signals/robust-sigma';
import type { BaselineSpec } from './detector.types';

/** Bounds the persisted state when a per-sample signal is learned over whole cycles. */
const MAX_KEPT_VALUES = 2000;

export interface BaselineState {
  sum: number;
  count: number;
  /** The first values seen, in order, for the noise estimate (at most MAX_KEPT_VALUES). */
  kept: number[];
  stdErrs: number[];
  firstCycle: number | null;
  /** Set once the baseline is complete. */
  mean: number | null;
  /** MAD-of-differences σ of the learning window; null when it had fewer than 3 values. */
  noiseSigma: number | null;
  /** Median stated standard error of the learning window, null when none was stated. */
  medianStdErr: number | null;
}

export function validateBaselineSpec(spec: BaselineSpec): void {
  switch (spec.from) {
    case 'observations':
    case 'cycles':
      requirePositiveInteger(`baseline.count`, spec.count);
      return;
    case 'reference':
      requireFinite('baseline.value', spec.value);
      return;
    default:
      throw new AlertConfigError('ALERT_INVALID_PARAMS', `unknown baseline source ${JSON.stringify(spec)}`);
  }
}

export function initBaseline(spec: BaselineSpec): BaselineState {
  const empty: BaselineState = {
    sum: 0,
    count: 0,
    kept: [],
    stdErrs: [],
    firstCycle: null,
    mean: null,
    noiseSigma: null,
    medianStdErr: null,
  };
  return spec.from === 'reference' ? { ...empty, mean: spec.value } : empty;
}

function finalise(state: BaselineState): BaselineState {
  const sigma = robustNoiseSigma(state.kept);
  return {
    ...state,
    mean: state.sum / state.count,
    noiseSigma: Number.isFinite(sigma) ? sigma : null,
    medianStdErr: state.stdErrs.length > 0 ? median(state.stdErrs) : null,
  };
}

function absorb(
  state: BaselineState,
  value: number,
  stdErr: number | null,
  cycle: number | null,
): BaselineState {
  const keep = state.kept.length < MAX_KEPT_VALUES;
  return {
    ...state,
    sum: state.sum + value,
    count: state.count + 1,
    kept: keep ? [...state.kept, value] : state.kept,
    stdErrs: keep && stdErr !== null ? [...state.stdErrs, stdErr] : state.stdErrs,
    firstCycle: state.firstCycle ?? cycle,
  };
}

export interface BaselineFeed {
  state: BaselineState;
  /** The observation was used to learn the baseline and must not be judged against it. */
  absorbed: boolean;
}

/**
 * Feeds one observation to a baseline that is still learning. In `cycles` mode the window closes at the
 * first observation of cycle firstCycle + count; that observation is then judged, not learned. An
 * observation without a cycle number is taken to belong to the current cycle.
 */
export function feedBaseline(
  spec: BaselineSpec,
  state: BaselineState,
  value: number,
  stdErr: number | null,
  cycle: number | null,
): BaselineFeed {
  if (state.mean !== null) return { state, absorbed: false };
  switch (spec.from) {
    case 'reference':
      return { state, absorbed: false };
    case 'observations': {
      const next = absorb(state, value, stdErr, cycle);
      return { state: next.count >= spec.count ? finalise(next) : next, absorbed: true };
    }
    case 'cycles': {
      const first = state.firstCycle ?? cycle;
      if (first !== null && cycle !== null && cycle >= first + spec.count && state.count > 0) {
        return { state: finalise(state), absorbed: false };
      }
      return { state: absorb(state, value, stdErr, cycle), absorbed: true };
    }
  }
}

export function learningDetail(spec: BaselineSpec, state: BaselineState): string {
  return spec.from === 'cycles'
    ? `learning baseline over the first ${spec.count} cycles (${state.count} observations so far)`
    : `learning baseline (${state.count}/${spec.from === 'observations' ? spec.count : 0} observations)`;
}
