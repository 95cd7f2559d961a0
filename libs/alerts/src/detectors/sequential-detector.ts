import { feedBaseline, initBaseline, learningDetail, type BaselineState } from './baseline-window';
import { ignoredVerdict, numericValue, type Detector, type DetectorKind } from './detector.types';
import {
  clip,
  insideResolveBand,
  resolveSequentialParams,
  standardisation,
  type SequentialParams,
} from './sequential-common';

export interface SequentialState<K extends DetectorKind, T> {
  kind: K;
  baseline: BaselineState;
  /** EWMA of the clipped standardised signal, for the back-inside test. */
  ewmaZ: number;
  stats: T;
  alarms: number;
}

export interface StatisticUpdate<T> {
  stats: T;
  /** Which side crossed h, if any; the caller resets the statistic after an alarm. */
  alarm: 'up' | 'down' | null;
  statistic: number;
  detail: string;
}

/**
 * The frame both sequential tests share: learn μ0 and σ, standardise z = (x − μ0)/σ, clip, update the
 * statistic, reset it after an alarm (Page 1954 restarts the scheme after each signal).
 */
export function sequentialDetector<K extends DetectorKind, T>(
  kind: K,
  params: SequentialParams,
  initStats: () => T,
  update: (stats: T, z: number, k: number, h: number) => StatisticUpdate<T>,
): Detector<SequentialState<K, T>> {
  const p = resolveSequentialParams(kind, params);
  return {
    kind,
    init: () => ({ kind, baseline: initBaseline(p.baseline), ewmaZ: 0, stats: initStats(), alarms: 0 }),
    step(state, observation) {
      const value = numericValue(observation);
      if (value === null) return { state, verdict: ignoredVerdict(kind, observation, 'non-numeric value') };
      const fed = feedBaseline(
        p.baseline,
        state.baseline,
        value,
        observation.stdErr ?? null,
        observation.cycle,
      );
      const mu0 = fed.state.mean;
      if (fed.absorbed || mu0 === null) {
        return {
          state: { ...state, baseline: fed.state },
          verdict: {
            firing: false,
            value,
            baseline: mu0,
            detector: kind,
            statistic: null,
            detail: learningDetail(p.baseline, fed.state),
            insideBand: true,
          },
        };
      }
      const scale = standardisation(params, p, fed.state);
      if (scale === null) {
        return {
          state: { ...state, baseline: fed.state },
          verdict: ignoredVerdict(kind, observation, 'noise σ is zero: give sigma or a minSigma floor'),
        };
      }
      const sigma = scale.sigma;
      const z = clip((value - mu0) / sigma, p.clipSigma);
      const ewmaZ = p.resolveSmoothing * z + (1 - p.resolveSmoothing) * state.ewmaZ;
      const u = update(state.stats, z, scale.k, p.h);
      const firing = u.alarm !== null;
      return {
        state: {
          kind,
          baseline: fed.state,
          ewmaZ,
          stats: firing ? initStats() : u.stats,
          alarms: state.alarms + (firing ? 1 : 0),
        },
        verdict: {
          firing,
          value,
          baseline: mu0,
          detector: kind,
          statistic: u.statistic,
          detail: `${u.detail}; z=${z.toFixed(2)}, σ=${sigma.toPrecision(3)}${firing ? `, alarm ${u.alarm}` : ''}`,
          insideBand: insideResolveBand(ewmaZ, p),
        },
      };
    },
  };
}
