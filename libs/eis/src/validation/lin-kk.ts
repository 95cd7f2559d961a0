import { EisInputError } from '../eis-input-error';
import { choleskyFactor, choleskySolve } from '../linalg/cholesky';
import { householderLeastSquares } from '../linalg/householder-least-squares';
import { checkSpectrum, type Spectrum } from '../spectrum';

export interface LinKkOptions {
  /** μ threshold that stops the growth of M (Schönleber et al. 2014 recommend 0.85). */
  muThreshold?: number;
  /**
   * Lower limit of the automatic M as RC elements per decade of measured frequency (default 3). Without it, clean or
   * low-noise spectra hit μ ≤ 0.85 already at M ≈ 4, where negative R_k are still interpolation, not over-fitting,
   * and the residual is then model error of several %. Our addition to Schönleber's procedure.
   */
  minRcPerDecade?: number;
  /** Fixed number of RC elements instead of the automatic μ criterion. */
  rcElements?: number;
  maxRcElements?: number;
  /**
   * Add a series capacitor, as impedance.py's add_cap (default true: a series C is itself KK-consistent and lets the
   * blocking / finite-diffusion tails of battery spectra pass; without it they leave a spurious low-frequency error).
   */
  addCapacitance?: boolean;
  /** Add a series inductor (for high-frequency inductive tails). */
  addInductance?: boolean;
  /** Decades by which the τ range extends beyond [1/ω_max, 1/ω_min] on each side (default 0, as Schönleber). */
  extendDecades?: number;
  /** `valid` requires residualRmsPct ≤ this (default 1 %). */
  maxResidualRmsPct?: number;
  /**
   * Solve by normal equations + Cholesky instead of Householder QR: about 3× cheaper, at the price of squaring the
   * condition number. Good enough for a residual-size estimate (the fit's noise floor), not the default.
   */
  normalEquations?: boolean;
}

export interface LinKkResult {
  /** residualRmsPct ≤ maxResidualRmsPct (default 1 %). */
  valid: boolean;
  rcElements: number;
  mu: number;
  /** (Z' − Ẑ')/|Z| and (Z'' − Ẑ'')/|Z| per point, %, in input order. */
  residualRealPct: number[];
  residualImagPct: number[];
  /** √(mean over points of (Δ'² + Δ''²)), %. */
  residualRmsPct: number;
  seriesResistanceOhm: number;
  resistancesOhm: number[];
  tauS: number[];
}

interface LinearFit {
  x: Float64Array;
  mu: number;
}

/**
 * Linear Kramers–Kronig test (Schönleber, Klotz & Ivers-Tiffée, Electrochim. Acta 131, 20 (2014)): fit
 * Ẑ = R_0 + Σ_k R_k/(1 + jωτ_k) [+ 1/(jωC)] [+ jωL] with M time constants log-spaced from 1/ω_max to 1/ω_min
 * (their eq. 13) by linear least squares weighted by 1/|Z| (their eq. 14 with modulus weighting), growing M
 * until μ = 1 − Σ_{R_k<0}|R_k| / Σ_{R_k≥0}|R_k| (eq. 21) drops to the threshold, i.e. just before over-fitting.
 * M starts at 3 per decade (see minRcPerDecade) rather than at 1.
 * A spectrum is KK-consistent when what is left is noise-like and small; we call it valid when the relative
 * residual RMS is at most 1 % (Schönleber et al. find ≲0.5 % for good lab data, drifting cells exceed 1 %).
 */
export function linKk(spectrum: Spectrum, options: LinKkOptions = {}): LinKkResult {
  const data = checkSpectrum(spectrum, 3);
  const f = data.frequenciesHz;
  const n = f.length;
  const muThreshold = options.muThreshold ?? 0.85;
  const addC = options.addCapacitance ?? true;
  const addL = options.addInductance ?? false;
  const extra = 1 + (addC ? 1 : 0) + (addL ? 1 : 0);
  const maxM = Math.min(options.maxRcElements ?? 50, 2 * n - extra - 1);
  if (options.rcElements !== undefined && !(options.rcElements >= 1 && options.rcElements <= maxM)) {
    throw new EisInputError('rcElements', `must be an integer in [1, ${maxM}]`);
  }
  if (maxM < 1) throw new EisInputError('frequenciesHz', 'too few points for a Lin-KK test');
  let omegaMin = Infinity;
  let omegaMax = 0;
  const omega = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    omega[i] = 2 * Math.PI * f[i];
    omegaMin = Math.min(omegaMin, omega[i]);
    omegaMax = Math.max(omegaMax, omega[i]);
    weight[i] = 1 / Math.hypot(data.zRealOhm[i], data.zImagOhm[i]);
  }
  const rows = 2 * n;
  const extendDecades = options.extendDecades ?? 0;
  const tausFor = (m: number): Float64Array => {
    const taus = new Float64Array(m);
    const a = Math.log10(1 / omegaMax) - extendDecades;
    const b = Math.log10(1 / omegaMin) + extendDecades;
    for (let k = 0; k < m; k++) taus[k] = Math.pow(10, m === 1 ? (a + b) / 2 : a + ((b - a) * k) / (m - 1));
    return taus;
  };

  // Columns: R_0, R_1..R_M, then 1/C and L if requested; rows real then imaginary, weighted by 1/|Z|.
  const solve = (m: number): LinearFit => {
    const taus = tausFor(m);
    const cols = 1 + m + extra - 1;
    const a = new Float64Array(rows * cols);
    const b = new Float64Array(rows);
    for (let i = 0; i < n; i++) {
      const w = weight[i];
      b[i] = data.zRealOhm[i] * w;
      b[n + i] = data.zImagOhm[i] * w;
      a[i] = w;
      for (let k = 0; k < m; k++) {
        const wt = omega[i] * taus[k];
        const d = 1 + wt * wt;
        a[(1 + k) * rows + i] = w / d;
        a[(1 + k) * rows + n + i] = (-w * wt) / d;
      }
      let c = 1 + m;
      if (addC) a[c++ * rows + n + i] = -w / omega[i];
      if (addL) a[c * rows + n + i] = w * omega[i];
    }
    const x = options.normalEquations
      ? normalEquationsSolve(a, rows, cols, b)
      : householderLeastSquares(a, rows, cols, b);
    let pos = 0;
    let neg = 0;
    for (let k = 1; k <= m; k++) {
      if (x[k] >= 0) pos += x[k];
      else neg -= x[k];
    }
    return { x, mu: pos > 0 ? 1 - neg / pos : 0 };
  };

  const decades = Math.log10(omegaMax / omegaMin);
  const mStart = Math.min(maxM, Math.max(1, Math.ceil((options.minRcPerDecade ?? 3) * decades)));
  let m = options.rcElements ?? mStart;
  let fit = solve(m);
  if (options.rcElements === undefined) {
    while (fit.mu > muThreshold && m < maxM) {
      m++;
      fit = solve(m);
    }
  }

  const taus = tausFor(m);
  const residualRealPct: number[] = [];
  const residualImagPct: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let zr = fit.x[0];
    let zi = 0;
    for (let k = 0; k < m; k++) {
      const wt = omega[i] * taus[k];
      const d = 1 + wt * wt;
      zr += fit.x[1 + k] / d;
      zi -= (fit.x[1 + k] * wt) / d;
    }
    let c = 1 + m;
    if (addC) zi -= fit.x[c++] / omega[i];
    if (addL) zi += fit.x[c] * omega[i];
    const dr = 100 * (data.zRealOhm[i] - zr) * weight[i];
    const di = 100 * (data.zImagOhm[i] - zi) * weight[i];
    residualRealPct.push(dr);
    residualImagPct.push(di);
    sum += dr * dr + di * di;
  }
  const residualRmsPct = Math.sqrt(sum / n);
  return {
    valid: residualRmsPct <= (options.maxResidualRmsPct ?? 1),
    rcElements: m,
    mu: fit.mu,
    residualRealPct,
    residualImagPct,
    residualRmsPct,
    seriesResistanceOhm: fit.x[0],
    resistancesOhm: Array.from(fit.x.subarray(1, 1 + m)),
    tauS: Array.from(taus),
  };
}

/** (AᵀA + εI) x = Aᵀb for column-major A; the tiny ridge keeps nearly collinear RC columns factorisable. */
function normalEquationsSolve(a: Float64Array, m: number, n: number, b: Float64Array): Float64Array {
  const g = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const cp = p * m;
    let s = 0;
    for (let i = 0; i < m; i++) s += a[cp + i] * b[i];
    x[p] = s;
    for (let q = 0; q <= p; q++) {
      const cq = q * m;
      let t = 0;
      for (let i = 0; i < m; i++) t += a[cp + i] * a[cq + i];
      g[p * n + q] = t;
      g[q * n + p] = t;
    }
  }
  for (let p = 0; p < n; p++) g[p * n + p] *= 1 + 1e-12;
  if (!choleskyFactor(g, n)) return householderLeastSquares(a, m, n, b);
  choleskySolve(g, n, x);
  return x;
}
