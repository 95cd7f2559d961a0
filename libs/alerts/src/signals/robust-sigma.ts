/**
 * 1.4826 = 1/Φ⁻¹(3/4): makes the median absolute deviation a consistent estimator of σ for Gaussian
 * noise (Rousseeuw & Croux, JASA 88 (1993) 1273).
 */
const MAD_TO_SIGMA = 1.482602218505602;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Raw median absolute deviation about the median (no consistency factor). */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Differences beyond this many robust σ of a difference are treated as outliers (failed fits, glitches). */
const OUTLIER_CUT = 4;

/**
 * Noise σ of a series from its first differences. The difference of two independent samples has
 * standard deviation σ√2; differencing also removes a level offset or slow drift in the window.
 * Two stages: the MAD (σ_Δ = 1.4826·MAD) screens out outlying differences, then the standard deviation
 * of the differences that remain gives σ = SD(Δ)/√2. The screen keeps the MAD's robustness; the second
 * stage recovers most of its lost efficiency (the MAD alone is 37 % efficient at the Gaussian, Rousseeuw
 * & Croux 1993, which left σ̂ ±30 % uncertain on 20 values and doubled the CUSUM's false-alarm rate).
 * NaN when fewer than three values are given.
 */
export function robustNoiseSigma(values: readonly number[]): number {
  if (values.length < 3) return Number.NaN;
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) diffs.push(values[i] - values[i - 1]);
  const centre = median(diffs);
  const madSigmaDiff = MAD_TO_SIGMA * medianAbsoluteDeviation(diffs);
  const kept =
    madSigmaDiff > 0 ? diffs.filter((d) => Math.abs(d - centre) <= OUTLIER_CUT * madSigmaDiff) : diffs;
  if (kept.length < 2) return madSigmaDiff / Math.SQRT2;
  const m = mean(kept);
  let ss = 0;
  for (const d of kept) ss += (d - m) ** 2;
  return Math.sqrt(ss / (kept.length - 1)) / Math.SQRT2;
}

/** The plain MAD-of-differences estimate, σ = 1.4826·MAD(Δx)/√2, exposed for comparison and tests. */
export function madDifferenceSigma(values: readonly number[]): number {
  if (values.length < 3) return Number.NaN;
  const diffs: number[] = [];
  for (let i = 1; i < values.length; i++) diffs.push(values[i] - values[i - 1]);
  return (MAD_TO_SIGMA * medianAbsoluteDeviation(diffs)) / Math.SQRT2;
}
