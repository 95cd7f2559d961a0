/** Regime labels of the interface classifier (docs/physics.md §5). */
export type RegimeName = 'equilibrated' | 'electrostatic' | 'mechanical' | 'mixed';

export type DetectorKind =
  'threshold' | 'relativeRise' | 'rateOfChange' | 'cusum' | 'pageHinkley' | 'regimeChange';

/** What every detector consumes: one value of one signal for one cell. */
export interface DetectorObservation {
  /** Numeric for every signal except `regime`, which carries the regime label. */
  value: number | string;
  /** Standard error of the value when it comes from a fit (EIS, pulse); floors the noise estimate. */
  stdErr?: number | null;
  tsMs: number;
  cycle: number | null;
}

export interface Verdict {
  /** The detector's alarm condition holds for this observation. */
  firing: boolean;
  value: number | string;
  /** What the value is compared with (baseline mean, threshold, previous regime); null while learning. */
  baseline: number | string | null;
  detector: DetectorKind;
  /** The detector's own statistic (CUSUM sum, %/cycle slope, …), for plots and logs. */
  statistic: number | null;
  detail: string;
  /** The signal is back inside its band: the rule evaluator auto-resolves after it holds long enough. */
  insideBand: boolean;
  /** Set when the observation could not be used (non-finite value, wrong type): it neither opens nor resolves. */
  ignored?: true;
}

export interface DetectorStep<S> {
  state: S;
  verdict: Verdict;
}

/**
 * A detector bound to its parameters. `step` is pure: it never mutates the state it is given, and its
 * state is plain JSON so the service can persist it between observations.
 */
export interface Detector<S> {
  readonly kind: DetectorKind;
  init(): S;
  step(state: S, observation: DetectorObservation): DetectorStep<S>;
}

/** Where a baseline comes from: the first N observations, the first N cycles, or a stated reference. */
export type BaselineSpec =
  | { from: 'observations'; count: number }
  | { from: 'cycles'; count: number }
  | { from: 'reference'; value: number };

export function numericValue(observation: DetectorObservation): number | null {
  return typeof observation.value === 'number' && Number.isFinite(observation.value)
    ? observation.value
    : null;
}

export function ignoredVerdict(kind: DetectorKind, observation: DetectorObservation, why: string): Verdict {
  return {
    firing: false,
    value: observation.value,
    baseline: null,
    detector: kind,
    statistic: null,
    detail: why,
    insideBand: false,
    ignored: true,
  };
}
