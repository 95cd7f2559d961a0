import {
  AlertConfigError,
  requireFinite,
  requireNonNegative,
  requirePositiveInteger,
} from '../alert-config.error';
import { ignoredVerdict, numericValue, type Detector } from './detector.types';

export interface RateOfChangeParams {
  /** Number of cycles in the regression window (the current, possibly unfinished, cycle included). */
  windowCycles: number;
  /** Limit on the relative slope, %/cycle (e.g. −0.5 for capacity fade). */
  thresholdPctPerCycle: number;
  direction: 'above' | 'below';
  /** The signal is back inside once the slope is this far on the safe side of the limit, %/cycle. */
  hysteresisPctPerCycle?: number;
}

interface CycleBin {
  cycle: number;
  sum: number;
  count: number;
}

export interface RateOfChangeState {
  kind: 'rateOfChange';
  bins: CycleBin[];
}

export interface SlopeFit {
  slopePerCycle: number;
  meanValue: number;
}

/**
 * Ordinary least-squares slope of (cycle, value): b = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)² (e.g. Montgomery & Runger,
 * Applied Statistics and Probability for Engineers, §11.2). Null when all x are equal.
 */
export function leastSquaresSlope(xs: readonly number[], ys: readonly number[]): SlopeFit | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  let xBar = 0;
  let yBar = 0;
  for (let i = 0; i < n; i++) {
    xBar += xs[i];
    yBar += ys[i];
  }
  xBar /= n;
  yBar /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - xBar) * (ys[i] - yBar);
    sxx += (xs[i] - xBar) ** 2;
  }
  return sxx > 0 ? { slopePerCycle: sxy / sxx, meanValue: yBar } : null;
}

/**
 * Relative rate of change over a window of cycles: observations are averaged per cycle, the slope of the
 * per-cycle means is fitted by least squares and divided by the window's mean value, giving %/cycle.
 * Averaging per cycle first keeps a signal sampled many times per cycle from weighting one cycle more.
 */
export function rateOfChangeDetector(params: RateOfChangeParams): Detector<RateOfChangeState> {
  const windowCycles = requirePositiveInteger('rateOfChange.windowCycles', params.windowCycles);
  if (windowCycles < 2)
    throw new AlertConfigError('ALERT_INVALID_PARAMS', 'rateOfChange.windowCycles must be ≥ 2');
  const limit = requireFinite('rateOfChange.thresholdPctPerCycle', params.thresholdPctPerCycle);
  const hysteresis = requireNonNegative(
    'rateOfChange.hysteresisPctPerCycle',
    params.hysteresisPctPerCycle ?? 0,
  );
  if (params.direction !== 'above' && params.direction !== 'below') {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', 'rateOfChange.direction must be above or below');
  }
  const sign = params.direction === 'above' ? 1 : -1;

  return {
    kind: 'rateOfChange',
    init: () => ({ kind: 'rateOfChange', bins: [] }),
    step(state, observation) {
      const value = numericValue(observation);
      if (value === null) {
        return { state, verdict: ignoredVerdict('rateOfChange', observation, 'non-numeric value') };
      }
      if (observation.cycle === null) {
        return {
          state,
          verdict: ignoredVerdict('rateOfChange', observation, 'observation has no cycle number'),
        };
      }
      const last = state.bins[state.bins.length - 1];
      let bins: CycleBin[];
      if (last !== undefined && last.cycle === observation.cycle) {
        bins = [
          ...state.bins.slice(0, -1),
          { cycle: last.cycle, sum: last.sum + value, count: last.count + 1 },
        ];
      } else if (last !== undefined && observation.cycle < last.cycle) {
        return { state, verdict: ignoredVerdict('rateOfChange', observation, 'cycle number went backwards') };
      } else {
        bins = [...state.bins, { cycle: observation.cycle, sum: value, count: 1 }].slice(-windowCycles);
      }
      const next: RateOfChangeState = { kind: 'rateOfChange', bins };
      const fit =
        bins.length >= windowCycles
          ? leastSquaresSlope(
              bins.map((b) => b.cycle),
              bins.map((b) => b.sum / b.count),
            )
          : null;
      if (fit === null || fit.meanValue === 0) {
        return {
          state: next,
          verdict: {
            firing: false,
            value,
            baseline: null,
            detector: 'rateOfChange',
            statistic: null,
            detail: `collecting cycles (${bins.length}/${windowCycles})`,
            insideBand: true,
          },
        };
      }
      const ratePctPerCycle = (fit.slopePerCycle * 100) / Math.abs(fit.meanValue);
      const excess = sign * (ratePctPerCycle - limit);
      return {
        state: next,
        verdict: {
          firing: excess > 0,
          value,
          baseline: fit.meanValue,
          detector: 'rateOfChange',
          statistic: ratePctPerCycle,
          detail: `${ratePctPerCycle.toFixed(3)} %/cycle over cycles ${bins[0].cycle}–${bins[bins.length - 1].cycle} (limit ${params.direction} ${limit})`,
          insideBand: excess <= -hysteresis,
        },
      };
    },
  };
}
