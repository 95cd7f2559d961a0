import {
  AlertConfigError,
  requireNonNegative,
  requirePositive,
  requirePositiveInteger,
} from '../alert-config.error';
import {
  feedBaseline,
  initBaseline,
  learningDetail,
  validateBaselineSpec,
  type BaselineState,
} from './baseline-window';
import { ignoredVerdict, numericValue, type BaselineSpec, type Detector } from './detector.types';

export interface RelativeRiseParams {
  /** Fires when value > baseline·(1 + risePct/100) (or < baseline·(1 − risePct/100) for `fall`). */
  risePct: number;
  baseline: BaselineSpec;
  direction?: 'rise' | 'fall';
  /** The signal is back inside once it is within (risePct − hysteresisPct) of the baseline. */
  hysteresisPct?: number;
  minConsecutive?: number;
}

export interface RelativeRiseState {
  kind: 'relativeRise';
  baseline: BaselineState;
  beyondCount: number;
}

export function relativeRiseDetector(params: RelativeRiseParams): Detector<RelativeRiseState> {
  const risePct = requirePositive('relativeRise.risePct', params.risePct);
  const hysteresisPct = requireNonNegative('relativeRise.hysteresisPct', params.hysteresisPct ?? 0);
  if (hysteresisPct > risePct) {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', 'relativeRise.hysteresisPct must not exceed risePct');
  }
  const minConsecutive = requirePositiveInteger('relativeRise.minConsecutive', params.minConsecutive ?? 1);
  validateBaselineSpec(params.baseline);
  const sign = (params.direction ?? 'rise') === 'rise' ? 1 : -1;

  return {
    kind: 'relativeRise',
    init: () => ({ kind: 'relativeRise', baseline: initBaseline(params.baseline), beyondCount: 0 }),
    step(state, observation) {
      const value = numericValue(observation);
      if (value === null) {
        return { state, verdict: ignoredVerdict('relativeRise', observation, 'non-numeric value') };
      }
      const fed = feedBaseline(
        params.baseline,
        state.baseline,
        value,
        observation.stdErr ?? null,
        observation.cycle,
      );
      const baselineMean = fed.state.mean;
      if (fed.absorbed || baselineMean === null) {
        return {
          state: { ...state, baseline: fed.state },
          verdict: {
            firing: false,
            value,
            baseline: baselineMean,
            detector: 'relativeRise',
            statistic: null,
            detail: learningDetail(params.baseline, fed.state),
            insideBand: true,
          },
        };
      }
      if (baselineMean === 0) {
        return {
          state: { ...state, baseline: fed.state },
          verdict: ignoredVerdict('relativeRise', observation, 'baseline is zero: relative change undefined'),
        };
      }
      // Relative change in the alarm direction, in %; |baseline| keeps the sign right for negative signals.
      const changePct = (sign * (value - baselineMean) * 100) / Math.abs(baselineMean);
      const beyondCount = changePct > risePct ? state.beyondCount + 1 : 0;
      return {
        state: { kind: 'relativeRise', baseline: fed.state, beyondCount },
        verdict: {
          firing: beyondCount >= minConsecutive,
          value,
          baseline: baselineMean,
          detector: 'relativeRise',
          statistic: changePct,
          detail: `${changePct.toFixed(2)} % ${sign > 0 ? 'above' : 'below'} baseline ${baselineMean} (limit ${risePct} %)`,
          insideBand: changePct <= risePct - hysteresisPct,
        },
      };
    },
  };
}
