import type { Detector } from './detector.types';
import { sequentialDetector, type SequentialState } from './sequential-detector';
import type { SequentialParams } from './sequential-common';

export interface CusumStats {
  /** C⁺, upper one-sided sum, σ units. */
  upper: number;
  /** C⁻, lower one-sided sum, σ units. */
  lower: number;
}

export type CusumState = SequentialState<'cusum', CusumStats>;

/**
 * Two-sided tabular CUSUM (Page, Biometrika 41 (1954) 100; tabular form as in Montgomery, Introduction
 * to Statistical Quality Control, §9.1) on z = (x − μ0)/σ:
 *   C⁺ₜ = max(0, C⁺ₜ₋₁ + zₜ − k),  C⁻ₜ = max(0, C⁻ₜ₋₁ − zₜ − k),  alarm when C⁺ > h or C⁻ > h.
 */
export function cusumDetector(params: SequentialParams): Detector<CusumState> {
  const direction = params.direction ?? 'both';
  return sequentialDetector<'cusum', CusumStats>(
    'cusum',
    params,
    () => ({ upper: 0, lower: 0 }),
    (stats, z, k, h) => {
      const upper = direction === 'down' ? 0 : Math.max(0, stats.upper + z - k);
      const lower = direction === 'up' ? 0 : Math.max(0, stats.lower - z - k);
      const alarm = upper > h ? 'up' : lower > h ? 'down' : null;
      return {
        stats: { upper, lower },
        alarm,
        statistic: Math.max(upper, lower),
        detail: `C+=${upper.toFixed(2)} C-=${lower.toFixed(2)} (h=${h}, k=${k.toFixed(2)})`,
      };
    },
  );
}
