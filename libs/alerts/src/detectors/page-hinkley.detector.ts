import type { Detector } from './detector.types';
import { sequentialDetector, type SequentialState } from './sequential-detector';
import type { SequentialParams } from './sequential-common';

export interface PageHinkleyStats {
  /** Observations since the last reset. */
  n: number;
  /** Running mean of z since the last reset. */
  meanZ: number;
  /** m⁺ₜ = Σ (zᵢ − z̄ᵢ − δ) and its running minimum. */
  sumUp: number;
  minSumUp: number;
  /** m⁻ₜ = Σ (zᵢ − z̄ᵢ + δ) and its running maximum. */
  sumDown: number;
  maxSumDown: number;
}

export type PageHinkleyState = SequentialState<'pageHinkley', PageHinkleyStats>;

/**
 * Page–Hinkley test (Page 1954; Hinkley, Biometrika 58 (1971) 509; incremental form as in Gama et al.,
 * ACM Comput. Surv. 46 (2014) 44) on the standardised signal, with δ = k and λ = h:
 *   m⁺ₜ = Σ (zᵢ − z̄ᵢ − δ), alarm when m⁺ₜ − min m⁺ > λ; m⁻ₜ = Σ (zᵢ − z̄ᵢ + δ), alarm when max m⁻ − m⁻ₜ > λ.
 * Unlike the CUSUM, the reference is the running mean since the last reset, so after an alarm the test
 * adopts the new level and only signals a further change.
 */
export function pageHinkleyDetector(params: SequentialParams): Detector<PageHinkleyState> {
  const direction = params.direction ?? 'both';
  return sequentialDetector<'pageHinkley', PageHinkleyStats>(
    'pageHinkley',
    params,
    () => ({ n: 0, meanZ: 0, sumUp: 0, minSumUp: 0, sumDown: 0, maxSumDown: 0 }),
    (stats, z, k, h) => {
      const n = stats.n + 1;
      const meanZ = stats.meanZ + (z - stats.meanZ) / n;
      const sumUp = stats.sumUp + z - meanZ - k;
      const minSumUp = Math.min(stats.minSumUp, sumUp);
      const sumDown = stats.sumDown + z - meanZ + k;
      const maxSumDown = Math.max(stats.maxSumDown, sumDown);
      const up = direction === 'down' ? 0 : sumUp - minSumUp;
      const down = direction === 'up' ? 0 : maxSumDown - sumDown;
      const alarm = up > h ? 'up' : down > h ? 'down' : null;
      return {
        stats: { n, meanZ, sumUp, minSumUp, sumDown, maxSumDown },
        alarm,
        statistic: Math.max(up, down),
        detail: `PH+=${up.toFixed(2)} PH-=${down.toFixed(2)} (h=${h}, k=${k.toFixed(2)})`,
      };
    },
  );
}
