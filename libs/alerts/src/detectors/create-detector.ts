import { AlertConfigError } from '../alert-config.error';
import { cusumDetector, type CusumState } from './cusum.detector';
import type { Detector } from './detector.types';
import { pageHinkleyDetector, type PageHinkleyState } from './page-hinkley.detector';
import {
  rateOfChangeDetector,
  type RateOfChangeParams,
  type RateOfChangeState,
} from './rate-of-change.detector';
import {
  regimeChangeDetector,
  type RegimeChangeParams,
  type RegimeChangeState,
} from './regime-change.detector';
import {
  relativeRiseDetector,
  type RelativeRiseParams,
  type RelativeRiseState,
} from './relative-rise.detector';
import type { SequentialParams } from './sequential-common';
import { thresholdDetector, type ThresholdParams, type ThresholdState } from './threshold.detector';

export type DetectorConfig =
  | { kind: 'threshold'; params: ThresholdParams }
  | { kind: 'relativeRise'; params: RelativeRiseParams }
  | { kind: 'rateOfChange'; params: RateOfChangeParams }
  | { kind: 'cusum'; params: SequentialParams }
  | { kind: 'pageHinkley'; params: SequentialParams }
  | { kind: 'regimeChange'; params: RegimeChangeParams };

export type DetectorState =
  ThresholdState | RelativeRiseState | RateOfChangeState | CusumState | PageHinkleyState | RegimeChangeState;

/**
 * Builds the detector a config names, behind one state type. The state carries its kind, and a state of
 * another kind (a rule edited to a different detector) is replaced by a fresh one rather than misread.
 */
export function createDetector(config: DetectorConfig): Detector<DetectorState> {
  const typed = build(config);
  return {
    kind: typed.kind,
    init: () => typed.init(),
    step: (state, observation) => typed.step(state.kind === typed.kind ? state : typed.init(), observation),
  };
}

// Each branch returns a detector over its own state type; widening to the union is safe because `step`
// above only ever hands a detector a state of its own kind.
function build(config: DetectorConfig): Detector<DetectorState> {
  switch (config.kind) {
    case 'threshold':
      return thresholdDetector(config.params) as Detector<DetectorState>;
    case 'relativeRise':
      return relativeRiseDetector(config.params) as Detector<DetectorState>;
    case 'rateOfChange':
      return rateOfChangeDetector(config.params) as Detector<DetectorState>;
    case 'cusum':
      return cusumDetector(config.params) as Detector<DetectorState>;
    case 'pageHinkley':
      return pageHinkleyDetector(config.params) as Detector<DetectorState>;
    case 'regimeChange':
      return regimeChangeDetector(config.params) as Detector<DetectorState>;
    default:
      throw new AlertConfigError('ALERT_UNKNOWN_DETECTOR', `unknown detector ${JSON.stringify(config)}`);
  }
}
