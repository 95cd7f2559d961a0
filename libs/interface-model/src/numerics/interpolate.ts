/**
 * Table interpolation for OCV and lattice curves (physics.md §4.1: "piecewise-linear tables").
 * Values outside the table are held at the end values: extrapolating an OCV or a lattice collapse is not physical.
 */

export type InterpolationKind = 'linear' | 'pchip';

export interface Table1D {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly kind: InterpolationKind;
  /** Hermite slopes, only for pchip. */
  readonly slopes?: readonly number[];
}

export function validateTable(field: string, xs: readonly number[], ys: readonly number[]): string | null {
  if (xs.length !== ys.length) return `${field}: x and y lengths differ`;
  if (xs.length < 2) return `${field}: needs at least 2 points`;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) return `${field}: non-finite value at index ${i}`;
    if (i > 0 && !(xs[i] > xs[i - 1])) return `${field}: x must be strictly increasing (index ${i})`;
  }
  return null;
}

/**
 * Fritsch–Carlson monotone cubic slopes (Fritsch & Carlson, SIAM J. Numer. Anal. 17, 238 (1980)):
 * a monotone OCV table stays monotone, so dU/dSOC never changes sign between points.
 */
function pchipSlopes(xs: readonly number[], ys: readonly number[]): number[] {
  const n = xs.length;
  const h: number[] = [];
  const delta: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    h.push(xs[i + 1] - xs[i]);
    delta.push((ys[i + 1] - ys[i]) / h[i]);
  }
  const m = new Array<number>(n).fill(0);
  m[0] = delta[0];
  m[n - 1] = delta[n - 2];
  for (let i = 1; i < n - 1; i++) {
    if (delta[i - 1] * delta[i] <= 0) {
      m[i] = 0;
    } else {
      // Weighted harmonic mean (Fritsch–Butland form) keeps the interpolant monotone.
      const w1 = 2 * h[i] + h[i - 1];
      const w2 = h[i] + 2 * h[i - 1];
      m[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
    }
  }
  return m;
}

export function createTable(xs: readonly number[], ys: readonly number[], kind: InterpolationKind): Table1D {
  const problem = validateTable('table', xs, ys);
  if (problem) throw new Error(problem);
  return kind === 'pchip' ? { xs, ys, kind, slopes: pchipSlopes(xs, ys) } : { xs, ys, kind };
}

function findInterval(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function interpolate(table: Table1D, x: number): number {
  const { xs, ys } = table;
  const n = xs.length;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  const i = findInterval(xs, x);
  const h = xs[i + 1] - xs[i];
  const t = (x - xs[i]) / h;
  if (table.kind === 'linear' || !table.slopes) return ys[i] + t * (ys[i + 1] - ys[i]);
  const t2 = t * t;
  const t3 = t2 * t;
  const m = table.slopes;
  return (
    (2 * t3 - 3 * t2 + 1) * ys[i] +
    (t3 - 2 * t2 + t) * h * m[i] +
    (-2 * t3 + 3 * t2) * ys[i + 1] +
    (t3 - t2) * h * m[i + 1]
  );
}
