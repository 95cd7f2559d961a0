import { AlertConfigError, requirePositiveInteger } from '../alert-config.error';
import { ignoredVerdict, type Detector, type RegimeName } from './detector.types';

export const REGIME_NAMES: readonly RegimeName[] = ['equilibrated', 'electrostatic', 'mechanical', 'mixed'];

export interface RegimeChangeParams {
  /** Regimes that raise the alert when the classifier enters them. */
  to: RegimeName[];
  /** Consecutive observations in a target regime before firing (the classifier can flicker at a boundary). */
  minConsecutive?: number;
}

export interface RegimeChangeState {
  kind: 'regimeChange';
  /** Last regime seen outside the target set, reported as where the transition came from. */
  lastOutside: RegimeName | null;
  inTargetCount: number;
}

function isRegime(value: unknown): value is RegimeName {
  return typeof value === 'string' && (REGIME_NAMES as readonly string[]).includes(value);
}

/** Fires while the regime classifier (docs/physics.md §5) holds one of the target regimes. */
export function regimeChangeDetector(params: RegimeChangeParams): Detector<RegimeChangeState> {
  if (!Array.isArray(params.to) || params.to.length === 0 || !params.to.every(isRegime)) {
    throw new AlertConfigError(
      'ALERT_INVALID_PARAMS',
      `regimeChange.to must list regimes from ${REGIME_NAMES.join(', ')}`,
    );
  }
  const minConsecutive = requirePositiveInteger('regimeChange.minConsecutive', params.minConsecutive ?? 1);
  const targets = new Set<RegimeName>(params.to);

  return {
    kind: 'regimeChange',
    init: () => ({ kind: 'regimeChange', lastOutside: null, inTargetCount: 0 }),
    step(state, observation) {
      const regime = observation.value;
      if (!isRegime(regime)) {
        return {
          state,
          verdict: ignoredVerdict('regimeChange', observation, `unknown regime ${String(regime)}`),
        };
      }
      const inTarget = targets.has(regime);
      const next: RegimeChangeState = inTarget
        ? { kind: 'regimeChange', lastOutside: state.lastOutside, inTargetCount: state.inTargetCount + 1 }
        : { kind: 'regimeChange', lastOutside: regime, inTargetCount: 0 };
      const firing = next.inTargetCount >= minConsecutive;
      return {
        state: next,
        verdict: {
          firing,
          value: regime,
          baseline: next.lastOutside,
          detector: 'regimeChange',
          statistic: next.inTargetCount,
          detail: inTarget
            ? `${next.lastOutside ?? 'start'} → ${regime} (${next.inTargetCount}/${minConsecutive} observations)`
            : `regime ${regime}`,
          insideBand: !inTarget,
        },
      };
    },
  };
}
