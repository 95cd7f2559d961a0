import { EisInputError } from '../eis-input-error';
import { choleskyFactor, choleskySolve } from '../linalg/cholesky';
import { checkSpectrum, type Spectrum } from '../spectrum';
import { nnlsGram } from './nnls';

export interface DrtOptions {
  /** Regularisation strength (dimensionless, data scaled by |Z|), or 'gcv' for generalised cross-validation. */
  lambda?: number | 'gcv';
  /** Grid density; default 10 points per decade of τ. */
  pointsPerDecade?: number;
  /** Decades added to each end of [1/ω_max, 1/ω_min]; default 1. */
  extendDecades?: number;
  /** Derivative order of the Tikhonov penalty on γ(ln τ): 1 or 2 (default 2). */
  regularizationOrder?: 1 | 2;
  /** Fit a series inductance too (default false; the high-frequency inductive tail otherwise leaks into γ). */
  includeInductance?: boolean;
  /**
   * Fit a series capacitance too (default false). Blocking electrodes and reflective finite diffusion (Wo) end in a
   * capacitive line that no finite set of RC elements represents; without this term it piles up on the last τ.
   */
  includeCapacitance?: boolean;
}

/**
 * Distribution of relaxation times. Z(ω) = R_∞ + jωL + 1/(jωC) + ∫ γ(ln τ)/(1 + jωτ) d ln τ (L and C optional), so γ
 * is a density per unit ln τ
 * in Ω; `gammaOhm[k]·lnTauStep` is the resistance carried by grid bin k and Σ of those is the polarisation resistance.
 */
export interface DrtResult {
  tauS: number[];
  gammaOhm: number[];
  lnTauStep: number;
  lambda: number;
  seriesResistanceOhm: number;
  inductanceH: number;
  /** Series capacitance, F (Infinity when not fitted or zero). */
  capacitanceF: number;
  polarisationResistanceOhm: number;
  /** RMS of |Z − Ẑ|/|Z| over the spectrum, %. */
  residualRmsPct: number;
}

interface DrtSystem {
  /** Column-major design matrix, rows = 2N (real then imag), scaled by 1/|Z| and by the impedance scale. */
  k: Float64Array;
  b: Float64Array;
  rows: number;
  cols: number;
  gammaOffset: number;
  inductanceColumn: number;
  capacitanceColumn: number;
  tauS: Float64Array;
  lnStep: number;
  zScaleOhm: number;
  omegaMax: number;
  omegaMin: number;
  /** Penalty matrix LᵀL (cols × cols), zero on R_∞ / L. */
  penalty: Float64Array;
}

function buildSystem(
  f: Float64Array,
  zr: Float64Array,
  zi: Float64Array,
  pointsPerDecade: number,
  extendDecades: number,
  order: 1 | 2,
  includeInductance: boolean,
  includeCapacitance: boolean,
): DrtSystem {
  const n = f.length;
  let omegaMin = Infinity;
  let omegaMax = 0;
  let zScaleOhm = 0;
  for (let i = 0; i < n; i++) {
    omegaMin = Math.min(omegaMin, 2 * Math.PI * f[i]);
    omegaMax = Math.max(omegaMax, 2 * Math.PI * f[i]);
    zScaleOhm = Math.max(zScaleOhm, Math.hypot(zr[i], zi[i]));
  }
  const logTauMin = Math.log10(1 / omegaMax) - extendDecades;
  const logTauMax = Math.log10(1 / omegaMin) + extendDecades;
  const m = Math.max(3, Math.round((logTauMax - logTauMin) * pointsPerDecade) + 1);
  const tauS = new Float64Array(m);
  for (let j = 0; j < m; j++) tauS[j] = Math.pow(10, logTauMin + ((logTauMax - logTauMin) * j) / (m - 1));
  const lnStep = (Math.LN10 * (logTauMax - logTauMin)) / (m - 1);
  const inductanceColumn = includeInductance ? 1 : -1;
  const capacitanceColumn = includeCapacitance ? 1 + (includeInductance ? 1 : 0) : -1;
  const gammaOffset = 1 + (includeInductance ? 1 : 0) + (includeCapacitance ? 1 : 0);
  const cols = gammaOffset + m;
  const rows = 2 * n;
  const k = new Float64Array(rows * cols);
  const b = new Float64Array(rows);
  for (let i = 0; i < n; i++) {
    const w = 2 * Math.PI * f[i];
    const s = 1 / Math.hypot(zr[i], zi[i]);
    b[i] = zr[i] * s;
    b[n + i] = zi[i] * s;
    // Unknowns are R_∞/Z_s, L·ω_max/Z_s, 1/(C·ω_min·Z_s), γ_j/Z_s: dimensionless, so λ is scale-free.
    k[i] = zScaleOhm * s;
    if (includeInductance) k[inductanceColumn * rows + n + i] = zScaleOhm * s * (w / omegaMax);
    if (includeCapacitance) k[capacitanceColumn * rows + n + i] = -zScaleOhm * s * (omegaMin / w);
    for (let j = 0; j < m; j++) {
      const wt = w * tauS[j];
      const d = 1 + wt * wt;
      const col = (gammaOffset + j) * rows;
      k[col + i] = (zScaleOhm * s * lnStep) / d;
      k[col + n + i] = (-zScaleOhm * s * lnStep * wt) / d;
    }
  }
  // LᵀL for first or second differences of γ along ln τ.
  const penalty = new Float64Array(cols * cols);
  const stencil = order === 1 ? [-1, 1] : [1, -2, 1];
  for (let r = 0; r + stencil.length <= m; r++) {
    for (let a = 0; a < stencil.length; a++) {
      for (let c = 0; c < stencil.length; c++) {
        const ia = gammaOffset + r + a;
        const ic = gammaOffset + r + c;
        penalty[ia * cols + ic] += stencil[a] * stencil[c];
      }
    }
  }
  return {
    k,
    b,
    rows,
    cols,
    gammaOffset,
    inductanceColumn,
    capacitanceColumn,
    tauS,
    lnStep,
    zScaleOhm,
    omegaMax,
    omegaMin,
    penalty,
  };
}

function gram(sys: DrtSystem): { ktk: Float64Array; ktb: Float64Array } {
  const { k, b, rows, cols } = sys;
  const ktk = new Float64Array(cols * cols);
  const ktb = new Float64Array(cols);
  for (let a = 0; a < cols; a++) {
    const ca = a * rows;
    let sb = 0;
    for (let i = 0; i < rows; i++) sb += k[ca + i] * b[i];
    ktb[a] = sb;
    for (let c = 0; c <= a; c++) {
      const cc = c * rows;
      let s = 0;
      for (let i = 0; i < rows; i++) s += k[ca + i] * k[cc + i];
      ktk[a * cols + c] = s;
      ktk[c * cols + a] = s;
    }
  }
  return { ktk, ktb };
}

/**
 * Generalised cross-validation (Golub, Heath & Wahba, Technometrics 21, 215 (1979)) on the unconstrained Tikhonov
 * solution: GCV(λ) = m‖(I − H)b‖² / tr(I − H)², H = K(KᵀK + λLᵀL)⁻¹Kᵀ. The non-negativity constraint is applied
 * only afterwards, as in pyDRTtools (Wan et al., Electrochim. Acta 184, 483 (2015)).
 */
function gcvLambda(sys: DrtSystem, ktk: Float64Array, ktb: Float64Array): number {
  const { cols, rows, penalty, k, b } = sys;
  const a = new Float64Array(cols * cols);
  const x = new Float64Array(cols);
  const col = new Float64Array(cols);
  let best = 1e-3;
  let bestScore = Infinity;
  for (let e = -9; e <= 1; e += 0.5) {
    const lambda = Math.pow(10, e);
    for (let i = 0; i < cols * cols; i++) a[i] = ktk[i] + lambda * penalty[i];
    // A tiny ridge keeps R_∞ / L columns factorisable when they are nearly collinear with γ.
    for (let i = 0; i < cols; i++) a[i * cols + i] += 1e-12 * (ktk[i * cols + i] + 1e-300);
    if (!choleskyFactor(a, cols)) continue;
    x.set(ktb);
    choleskySolve(a, cols, x);
    let rss = 0;
    for (let i = 0; i < rows; i++) {
      let s = -b[i];
      for (let j = 0; j < cols; j++) s += k[j * rows + i] * x[j];
      rss += s * s;
    }
    // tr(H) = tr((KᵀK + λLᵀL)⁻¹ KᵀK)
    let trace = 0;
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < cols; i++) col[i] = ktk[i * cols + j];
      choleskySolve(a, cols, col);
      trace += col[j];
    }
    const score = (rows * rss) / Math.pow(rows - trace, 2);
    if (score < bestScore) {
      bestScore = score;
      best = lambda;
    }
  }
  return best;
}

/**
 * Tikhonov-regularised, non-negative DRT on a log-τ grid. Residuals are relative (rows scaled by 1/|Z|) so every
 * decade counts alike.
 */
export function computeDrt(spectrum: Spectrum, options: DrtOptions = {}): DrtResult {
  const data = checkSpectrum(spectrum, 3);
  const order = options.regularizationOrder ?? 2;
  const pointsPerDecade = options.pointsPerDecade ?? 10;
  if (!(pointsPerDecade > 0 && pointsPerDecade <= 100)) {
    throw new EisInputError('pointsPerDecade', 'must be in (0, 100]');
  }
  const sys = buildSystem(
    data.frequenciesHz,
    data.zRealOhm,
    data.zImagOhm,
    pointsPerDecade,
    options.extendDecades ?? 1,
    order,
    options.includeInductance ?? false,
    options.includeCapacitance ?? false,
  );
  const { ktk, ktb } = gram(sys);
  const requested = options.lambda ?? 'gcv';
  if (requested !== 'gcv' && !(requested > 0 && Number.isFinite(requested))) {
    throw new EisInputError('lambda', 'must be a positive number or "gcv"');
  }
  const lambda = requested === 'gcv' ? gcvLambda(sys, ktk, ktb) : requested;
  const g = new Float64Array(sys.cols * sys.cols);
  for (let i = 0; i < g.length; i++) g[i] = ktk[i] + lambda * sys.penalty[i];
  for (let i = 0; i < sys.cols; i++) g[i * sys.cols + i] += 1e-12 * (ktk[i * sys.cols + i] + 1e-300);
  const x = nnlsGram(g, ktb, sys.cols);

  let rss = 0;
  for (let i = 0; i < sys.rows; i++) {
    let s = -sys.b[i];
    for (let j = 0; j < sys.cols; j++) s += sys.k[j * sys.rows + i] * x[j];
    rss += s * s;
  }
  const gammaOhm: number[] = [];
  let polarisationResistanceOhm = 0;
  for (let j = 0; j < sys.tauS.length; j++) {
    const gamma = x[sys.gammaOffset + j] * sys.zScaleOhm;
    gammaOhm.push(gamma);
    polarisationResistanceOhm += gamma * sys.lnStep;
  }
  return {
    tauS: Array.from(sys.tauS),
    gammaOhm,
    lnTauStep: sys.lnStep,
    lambda,
    seriesResistanceOhm: x[0] * sys.zScaleOhm,
    inductanceH: sys.inductanceColumn > 0 ? (x[sys.inductanceColumn] * sys.zScaleOhm) / sys.omegaMax : 0,
    capacitanceF:
      sys.capacitanceColumn > 0 && x[sys.capacitanceColumn] > 0
        ? 1 / (x[sys.capacitanceColumn] * sys.zScaleOhm * sys.omegaMin)
        : Infinity,
    polarisationResistanceOhm,
    residualRmsPct: 100 * Math.sqrt(rss / data.frequenciesHz.length),
  };
}

export interface DrtPeak {
  tauS: number;
  /** Resistance under the peak (γ integrated between the neighbouring minima), Ω. */
  resistanceOhm: number;
  /** True when the peak's maximum sits on the first or last grid point (a tail the grid does not close). */
  atEdge: boolean;
  /** γ at the maximum, Ω. */
  gammaMaxOhm: number;
}

/** Local maxima of γ above `minFraction` of the largest, each with the area between its neighbouring minima. */
export function findDrtPeaks(drt: DrtResult, minFraction = 0.01): DrtPeak[] {
  const g = drt.gammaOhm;
  const m = g.length;
  let gMax = 0;
  for (const v of g) gMax = Math.max(gMax, v);
  if (gMax <= 0) return [];
  const maxima: number[] = [];
  for (let j = 0; j < m; j++) {
    const left = j === 0 ? -Infinity : g[j - 1];
    const right = j === m - 1 ? -Infinity : g[j + 1];
    if (g[j] > left && g[j] >= right && g[j] >= minFraction * gMax) maxima.push(j);
  }
  const peaks: DrtPeak[] = [];
  for (let p = 0; p < maxima.length; p++) {
    const j = maxima[p];
    // Bin boundaries: the minimum of γ between this maximum and its neighbours.
    let lo = j;
    const loLimit = p === 0 ? 0 : maxima[p - 1];
    for (let i = j - 1; i >= loLimit; i--) if (g[i] <= g[lo]) lo = i;
    let hi = j;
    const hiLimit = p === maxima.length - 1 ? m - 1 : maxima[p + 1];
    for (let i = j + 1; i <= hiLimit; i++) if (g[i] < g[hi]) hi = i;
    let area = 0;
    for (let i = lo; i <= hi; i++) {
      // A shared minimum bin is split between the two peaks.
      const shared = (i === lo && p > 0 && lo !== j) || (i === hi && p < maxima.length - 1 && hi !== j);
      area += (shared ? 0.5 : 1) * g[i] * drt.lnTauStep;
    }
    peaks.push({ tauS: drt.tauS[j], resistanceOhm: area, atEdge: j === 0 || j === m - 1, gammaMaxOhm: g[j] });
  }
  return peaks;
}
