/**
 * Maps bounded physical parameters p to unconstrained internal variables u so Levenberg–Marquardt can step freely:
 * [lo, ∞) → p = lo + e^u (log-parametrisation: relative steps, scale-free across decades of Ω, F, s);
 * [lo, hi] → logistic; (−∞, hi] → p = hi − e^u; (−∞, ∞) → identity; lo = hi → parameter held fixed.
 */
export type BoundKind = 'lower' | 'both' | 'upper' | 'none' | 'fixed';

export interface ParameterTransform {
  lower: Float64Array;
  upper: Float64Array;
  kinds: BoundKind[];
  /** Indices of parameters that are fitted (not fixed). */
  free: number[];
}

export function makeTransform(bounds: readonly (readonly [number, number])[]): ParameterTransform {
  const n = bounds.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const kinds: BoundKind[] = [];
  const free: number[] = [];
  for (let k = 0; k < n; k++) {
    const [lo, hi] = bounds[k];
    lower[k] = lo;
    upper[k] = hi;
    const kind: BoundKind =
      lo === hi
        ? 'fixed'
        : Number.isFinite(lo) && Number.isFinite(hi)
          ? 'both'
          : Number.isFinite(lo)
            ? 'lower'
            : Number.isFinite(hi)
              ? 'upper'
              : 'none';
    kinds.push(kind);
    if (kind !== 'fixed') free.push(k);
  }
  return { lower, upper, kinds, free };
}

/** Pulls p strictly inside its bounds so that u is finite (a start exactly on a bound has no gradient). */
export function clampInside(t: ParameterTransform, k: number, p: number): number {
  const lo = t.lower[k];
  const hi = t.upper[k];
  switch (t.kinds[k]) {
    case 'fixed':
      return lo;
    case 'both': {
      const margin = 1e-6 * (hi - lo);
      return Math.min(hi - margin, Math.max(lo + margin, p));
    }
    case 'lower': {
      const floor = lo + 1e-12 * Math.max(1e-300, Math.abs(lo));
      return p > lo ? p : lo === 0 ? 1e-12 : floor;
    }
    case 'upper':
      return p < hi ? p : hi - 1e-12 * Math.max(1, Math.abs(hi));
    case 'none':
      return p;
  }
}

export function toInternal(t: ParameterTransform, k: number, p: number): number {
  const q = clampInside(t, k, p);
  const lo = t.lower[k];
  const hi = t.upper[k];
  switch (t.kinds[k]) {
    case 'lower':
      return Math.log(q - lo);
    case 'upper':
      return Math.log(hi - q);
    case 'both': {
      const s = (q - lo) / (hi - lo);
      return Math.log(s / (1 - s));
    }
    case 'none':
    case 'fixed':
      return q;
  }
}

export function toPhysical(t: ParameterTransform, k: number, u: number): number {
  const lo = t.lower[k];
  const hi = t.upper[k];
  switch (t.kinds[k]) {
    case 'lower':
      return lo + Math.exp(u);
    case 'upper':
      return hi - Math.exp(u);
    case 'both':
      return lo + (hi - lo) / (1 + Math.exp(-u));
    case 'none':
      return u;
    case 'fixed':
      return lo;
  }
}

/** dp/du at the physical value p. */
export function derivative(t: ParameterTransform, k: number, p: number): number {
  const lo = t.lower[k];
  const hi = t.upper[k];
  switch (t.kinds[k]) {
    case 'lower':
      return p - lo;
    case 'upper':
      return -(hi - p);
    case 'both':
      return ((p - lo) * (hi - p)) / (hi - lo);
    case 'none':
      return 1;
    case 'fixed':
      return 0;
  }
}
