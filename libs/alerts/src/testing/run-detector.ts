import type { Detector, DetectorObservation, Verdict } from '../detectors/detector.types';

/** Feeds values one per cycle (cycle = index, 1 h apart) and returns every verdict. */
export function runDetector<S>(detector: Detector<S>, values: readonly (number | string)[]): Verdict[] {
  let state = detector.init();
  const verdicts: Verdict[] = [];
  values.forEach((value, i) => {
    const observation: DetectorObservation = { value, tsMs: i * 3_600_000, cycle: i };
    const out = detector.step(state, observation);
    state = out.state;
    verdicts.push(out.verdict);
  });
  return verdicts;
}
