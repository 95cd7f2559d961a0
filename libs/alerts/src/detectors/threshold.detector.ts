import {
  AlertConfigError,
  requireFinite,
  requireNonNegative,
  requirePositiveInteger,
} from '../alert-config.error';
import { ignoredVerdict, numericValue, type Detector } from './detector.types';

export interface ThresholdParams {
  direction: 'above' | 'below';
  threshold: number;
  /**
   * Width of the dead band on the safe side of the threshold, in the signal's unit: the signal counts
   * as back inside only beyond threshold ∓ hysteresis, so a value hovering at the limit cannot flap.
   */
  hysteresis?: number;
  /** Consecutive observations beyond the threshold before firing (debounces single spikes). */
  minConsecutive?: number;
}

export interface ThresholdState {
  kind: 'threshold';
  beyondCount: number;
}

export function thresholdDetector(params: ThresholdParams): Detector<ThresholdState> {
  if (params.direction !== 'above' && params.direction !== 'below') {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', 'threshold.direction must be above or below');
  }
  const threshold = requireFinite('threshold.threshold', params.threshold);
  const hysteresis = requireNonNegative('threshold.hysteresis', params.hysteresis ?? 0);
  const minConsecutive = requirePositiveInteger('threshold.minConsecutive', params.minConsecutive ?? 1);
  const sign = params.direction === 'above' ? 1 : -1;

  return {
    kind: 'threshold',
    init: () => ({ kind: 'threshold', beyondCount: 0 }),
    step(state, observation) {
      const value = numericValue(observation);
      if (value === null)
        return { state, verdict: ignoredVerdict('threshold', observation, 'non-numeric value') };
      // Signed distance past the limit: positive means on the alarm side whatever the direction.
      const excess = sign * (value - threshold);
      const beyondCount = excess > 0 ? state.beyondCount + 1 : 0;
      const firing = beyondCount >= minConsecutive;
      return {
        state: { kind: 'threshold', beyondCount },
        verdict: {
          firing,
          value,
          baseline: threshold,
          detector: 'threshold',
          statistic: excess,
          // Formatted only when read (an alert event): this runs per sample, and number-to-text was
          // a visible share of live ingest's CPU profile.
          get detail() {
            return `${value} ${params.direction === 'above' ? '>' : '<'} ${threshold}: ${excess > 0 ? 'yes' : 'no'}`;
          },
          insideBand: excess <= -hysteresis,
        },
      };
    },
  };
}
