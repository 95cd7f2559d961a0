import {
  AlertConfigError,
  requireFinite,
  requireNonNegative,
  requirePositiveInteger,
} from '../alert-config.error';
import { ignoredVerdict, numericValue, type Detector, type Verdict } from './detector.types';

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

  const symbol = params.direction === 'above' ? '>' : '<';
  const idle: ThresholdState = { kind: 'threshold', beyondCount: 0 };

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
      return {
        // States are never mutated, so the common one (inside the limit) is shared, not allocated per sample.
        state: beyondCount === 0 ? idle : { kind: 'threshold', beyondCount },
        verdict: new ThresholdVerdict(
          value,
          threshold,
          excess,
          symbol,
          beyondCount >= minConsecutive,
          hysteresis,
        ),
      };
    },
  };
}

/**
 * A class, not an object literal with a getter: this runs per sample for the limit rules, and literals
 * with accessors are slow to create. `detail` is formatted only when read (an alert event), since
 * number-to-text was a visible share of live ingest's CPU profile.
 */
class ThresholdVerdict implements Verdict {
  readonly detector = 'threshold' as const;
  readonly baseline: number;
  readonly statistic: number;
  readonly insideBand: boolean;

  constructor(
    readonly value: number,
    threshold: number,
    excess: number,
    private readonly symbol: string,
    readonly firing: boolean,
    hysteresis: number,
  ) {
    this.baseline = threshold;
    this.statistic = excess;
    this.insideBand = excess <= -hysteresis;
  }

  get detail(): string {
    return `${this.value} ${this.symbol} ${this.baseline}: ${this.statistic > 0 ? 'yes' : 'no'}`;
  }
}
