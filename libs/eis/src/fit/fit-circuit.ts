import { compileCircuit } from '../circuit/compile-circuit';
import { ELEMENT_DEFINITIONS } from '../circuit/element-types';
import { parseCircuit, type ParsedCircuit } from '../circuit/parse-circuit';
import { EisInputError } from '../eis-input-error';
import { symmetricInverse } from '../linalg/cholesky';
import { checkSpectrum, type CheckedSpectrum, type Spectrum } from '../spectrum';
import { linKk } from '../validation/lin-kk';
import { mulberry32 } from '../synthetic/mulberry32';
import { makeCircuitProblem, type JacobianMode } from './circuit-problem';
import { canonicalArcOrder } from './canonical-order';
import { initialGuesses } from './initial-guess';
import { DEFAULT_LM_OPTIONS, levenbergMarquardt } from './levenberg-marquardt';
import {
  clampInside,
  derivative,
  makeTransform,
  toInternal,
  type ParameterTransform,
} from './parameter-transform';
import { residualScales, WEIGHTINGS, type Weighting } from './weighting';

export interface FitParameter {
  name: string;
  value: number;
  /** One standard error from the covariance (JᵀWJ)⁻¹·χ²/(2N − n_free); 0 for fixed, NaN if singular. */
  stdErr: number;
}

export interface FitResult {
  circuit: string;
  weighting: Weighting;
  parameters: FitParameter[];
  /** √(mean |Z − Ẑ|²/|Z|²)·100, independent of the weighting used. */
  rmsRelErrorPct: number;
  /** Weighted sum of squares Σ w|Z − Ẑ|² at the optimum (Ω² for unit weighting, dimensionless otherwise). */
  chiSquare: number;
  /** LM iterations summed over all starts. */
  iterations: number;
  elapsedMs: number;
  /** Number of LM starts run (1 = the first start was kept without multi-start). */
  starts: number;
  converged: boolean;
}

/**
 * A fit within this factor (plus margin) of the Lin-KK residual is at the spectrum's noise floor: the KK test fits
 * every causal, stable, linear spectrum, so no circuit can do meaningfully better and further starts are wasted.
 */
const NOISE_FLOOR_FACTOR = 1.25;
const NOISE_FLOOR_MARGIN_PCT = 0.02;

/**
 * Lin-KK residual with a dense τ grid (5 per decade, at most one per point): dense enough that on clean spectra the
 * KK model's own interpolation error stays far below any real noise, so the floor is the noise and not the model.
 */
function noiseFloor(data: CheckedSpectrum): number {
  const f = data.frequenciesHz;
  let fMin = Infinity;
  let fMax = 0;
  for (let i = 0; i < f.length; i++) {
    fMin = Math.min(fMin, f[i]);
    fMax = Math.max(fMax, f[i]);
  }
  const rcElements = Math.max(1, Math.min(f.length - 1, Math.ceil(5 * Math.log10(fMax / fMin))));
  return linKk(data, { rcElements, normalEquations: true }).residualRmsPct;
}

type ParameterRecord = Readonly<Record<string, number>>;

export interface FitOptions {
  weighting?: Weighting;
  /**
   * Starting values by parameter name (missing ones are guessed), a previous FitResult (warm start) or a full vector
   * in parameter order.
   */
  initialGuess?: ParameterRecord | Pick<FitResult, 'parameters'> | ArrayLike<number>;
  /** Box bounds by parameter name; lower = upper holds a parameter fixed. Defaults: [0, ∞), CPE α in [0, 1]. */
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  /** Upper limit on LM starts (default 6). 1 disables multi-start. */
  maxStarts?: number;
  maxIterations?: number;
  /** Analytic Jacobian (default) or forward differences on the compiled evaluator. */
  jacobian?: JacobianMode;
  /** Seed for the multi-start perturbations, so fits are reproducible. */
  seed?: number;
  /** A fit whose rmsRelErrorPct is at most this is accepted without trying more starts (default 0.1 %). */
  acceptRmsPct?: number;
}

function resolveBounds(parsed: ParsedCircuit, bounds: FitOptions['bounds']): [number, number][] {
  const out: [number, number][] = [];
  for (const e of parsed.elements) {
    const def = ELEMENT_DEFINITIONS[e.type];
    for (let k = 0; k < def.parameterCount; k++) out.push([def.defaultBounds[k][0], def.defaultBounds[k][1]]);
  }
  if (bounds) {
    for (const [name, pair] of Object.entries(bounds)) {
      const k = parsed.parameterNames.indexOf(name);
      if (k < 0) throw new EisInputError(`bounds.${name}`, `not a parameter of ${parsed.circuit}`);
      const [lo, hi] = pair;
      if (!(lo <= hi) || Number.isNaN(lo) || Number.isNaN(hi)) {
        throw new EisInputError(`bounds.${name}`, 'needs lower <= upper');
      }
      out[k] = [lo, hi];
    }
  }
  return out;
}

function resolveGuess(
  parsed: ParsedCircuit,
  guess: FitOptions['initialGuess'],
): (number | undefined)[] | undefined {
  if (guess === undefined) return undefined;
  const names = parsed.parameterNames;
  if (Array.isArray(guess) || ArrayBuffer.isView(guess)) {
    const vector = guess as ArrayLike<number>;
    if (vector.length !== names.length) {
      throw new EisInputError('initialGuess', `expected ${names.length} values, got ${vector.length}`);
    }
    return names.map((_, k) => checkedValue(`initialGuess[${k}]`, vector[k]));
  }
  const record: Record<string, number> = {};
  if ('parameters' in guess && Array.isArray(guess.parameters)) {
    for (const p of guess.parameters) record[p.name] = p.value;
  } else Object.assign(record, guess);
  for (const name of Object.keys(record)) {
    if (!names.includes(name))
      throw new EisInputError(`initialGuess.${name}`, `not a parameter of ${parsed.circuit}`);
  }
  return names.map((name) =>
    name in record ? checkedValue(`initialGuess.${name}`, record[name]) : undefined,
  );
}

function checkedValue(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new EisInputError(field, 'must be a finite number');
  return v;
}

interface StartOutcome {
  p: Float64Array;
  cost: number;
  iterations: number;
  converged: boolean;
}

/**
 * Complex non-linear least-squares fit of an equivalent circuit (Macdonald & Garber, J. Electrochem. Soc. 124, 1022
 * (1977); Boukamp, Solid State Ionics 20, 31 (1986)) by Levenberg–Marquardt on the stacked real/imaginary residuals.
 * Without a guess, starts come from the spectrum (see initial-guess.ts); when the best fit is still poor, more starts
 * are drawn by log-normal perturbation of the best point and the lowest χ² wins. A fit is "good enough" when its
 * relative RMS is ≤ acceptRmsPct, or within 1.25× (+0.02 %) of a dense Lin-KK residual (the noise floor), or when three
 * starts agree on the minimum.
 */
export function fitCircuit(
  circuit: string | ParsedCircuit,
  spectrum: Spectrum,
  options: FitOptions = {},
): FitResult {
  const started = performance.now();
  const parsed = typeof circuit === 'string' ? parseCircuit(circuit) : circuit;
  const weighting = options.weighting ?? 'unit';
  if (!WEIGHTINGS.includes(weighting))
    throw new EisInputError('weighting', `must be one of ${WEIGHTINGS.join(', ')}`);
  const nParams = parsed.parameterNames.length;
  const data: CheckedSpectrum = checkSpectrum(spectrum, 1);
  const bounds = resolveBounds(parsed, options.bounds);
  const transform = makeTransform(bounds);
  const nFree = transform.free.length;
  if (2 * data.frequenciesHz.length < nFree + 1) {
    throw new EisInputError(
      'frequenciesHz',
      `${data.frequenciesHz.length} points give ${2 * data.frequenciesHz.length} residuals, fewer than ${nFree} free parameters + 1`,
    );
  }
  const maxStarts = Math.max(1, Math.floor(options.maxStarts ?? 6));
  const acceptRmsPct = options.acceptRmsPct ?? 0.1;
  const lmOptions = {
    ...DEFAULT_LM_OPTIONS,
    maxIterations: options.maxIterations ?? DEFAULT_LM_OPTIONS.maxIterations,
  };
  const evaluator = compileCircuit(parsed, data.frequenciesHz);
  const scales = residualScales(weighting, data.zRealOhm, data.zImagOhm);
  const userGuess = resolveGuess(parsed, options.initialGuess);

  const fixedValues = new Float64Array(nParams);
  const problemFor = (start: Float64Array, withScales = scales) => {
    for (let k = 0; k < nParams; k++)
      fixedValues[k] = transform.kinds[k] === 'fixed' ? bounds[k][0] : start[k];
    return makeCircuitProblem(
      evaluator,
      data.zRealOhm,
      data.zImagOhm,
      withScales,
      transform,
      fixedValues,
      options.jacobian ?? 'analytic',
    );
  };
  // Proportional weights (1/Z'², 1/Z''²) make the landscape rough wherever one part is small, so starts are first
  // brought close with the scale-balanced modulus weighting.
  const preScales =
    weighting === 'proportional' ? residualScales('modulus', data.zRealOhm, data.zImagOhm) : undefined;

  const runStart = (start: Float64Array): StartOutcome => {
    const u = new Float64Array(nFree);
    transform.free.forEach((k, f) => (u[f] = toInternal(transform, k, start[k])));
    let iterations = 0;
    if (preScales) {
      const pre = levenbergMarquardt(problemFor(start, preScales), u, lmOptions);
      iterations += pre.iterations;
      if (Number.isFinite(pre.sumSquares)) u.set(pre.u);
    }
    const problem = problemFor(start);
    const result = levenbergMarquardt(problem, u, lmOptions);
    const p = new Float64Array(nParams);
    problem.physical(result.u, p);
    return {
      p,
      cost: result.sumSquares,
      iterations: iterations + result.iterations,
      converged: result.converged,
    };
  };

  // Starts: the user's guess (completed by the heuristic where names are missing), then heuristic candidates.
  const needHeuristic = !userGuess || userGuess.some((v) => v === undefined);
  const heuristics = needHeuristic ? initialGuesses(parsed, data, 3) : [];
  const starts: Float64Array[] = [];
  if (userGuess) {
    const base = heuristics[0]?.parameters;
    starts.push(Float64Array.from(userGuess, (v, k) => v ?? (base ? base[k] : 1)));
  }
  for (const h of heuristics) starts.push(h.parameters);

  const rng = mulberry32(options.seed ?? 0x5eed);
  let best: StartOutcome | undefined;
  let iterations = 0;
  let runs = 0;
  let agreements = 0;
  let noiseFloorPct: number | undefined;
  const rmsOf = (p: Float64Array): number => rmsRelErrorPct(evaluator, p, data);
  let queue = 0;
  while (runs < maxStarts) {
    let start: Float64Array;
    if (queue < starts.length) start = starts[queue++];
    else if (best) start = perturb(best.p, transform, rng);
    else break;
    const outcome = runStart(start);
    canonicalArcOrder(parsed, outcome.p, bounds);
    runs++;
    iterations += outcome.iterations;
    if (!Number.isFinite(outcome.cost)) continue;
    if (!best || outcome.cost < best.cost * (1 - 1e-9)) {
      // A new best that merely refines the old one (same minimum) still counts as agreement.
      agreements = best && sameMinimum(outcome.cost, best.cost) ? agreements + 1 : 0;
      best = outcome;
    } else if (sameMinimum(outcome.cost, best.cost)) agreements++;
    if (!best.converged || !wellConditioned(best, transform)) continue;
    // Stop once the fit is good in absolute terms, sits at the noise floor, or three starts reached the same
    // minimum (the circuit cannot do better on these data; two may share a basin by accident).
    const rms = rmsOf(best.p);
    if (rms <= acceptRmsPct || agreements >= 2) break;
    noiseFloorPct ??= noiseFloor(data);
    if (rms <= NOISE_FLOOR_FACTOR * noiseFloorPct + NOISE_FLOOR_MARGIN_PCT) break;
  }
  if (!best) throw new EisInputError('circuit', 'no start could be evaluated');
  const stdErr = standardErrors(best.p, problemFor, transform, best.cost, data.frequenciesHz.length);
  return {
    circuit: parsed.circuit,
    weighting,
    parameters: parsed.parameterNames.map((name, k) => ({ name, value: best.p[k], stdErr: stdErr[k] })),
    rmsRelErrorPct: rmsOf(best.p),
    chiSquare: best.cost,
    iterations,
    elapsedMs: performance.now() - started,
    starts: runs,
    converged: best.converged,
  };
}

/** Log-normal perturbation (×/÷ 2 at 1σ) of positive parameters, ±10 % of the span for doubly bounded ones. */
function perturb(p: Float64Array, t: ParameterTransform, rng: () => number): Float64Array {
  const start = p.slice();
  for (const k of t.free) {
    const gauss = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    start[k] =
      t.kinds[k] === 'both'
        ? clampInside(t, k, start[k] + 0.1 * (t.upper[k] - t.lower[k]) * gauss)
        : t.kinds[k] === 'none'
          ? start[k] + 0.7 * gauss * Math.max(1e-12, Math.abs(start[k]))
          : clampInside(t, k, t.lower[k] + (start[k] - t.lower[k]) * Math.exp(0.7 * gauss));
  }
  return start;
}

function sameMinimum(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(a, b) + 1e-300;
}

/** A fit with every free parameter well inside its bounds (not pinned at 0 or α = 1) needs no further starts. */
function wellConditioned(outcome: StartOutcome, t: ParameterTransform): boolean {
  for (const k of t.free) {
    const p = outcome.p[k];
    if (t.kinds[k] === 'lower' && p - t.lower[k] < 1e-10 * Math.max(1, Math.abs(p))) return false;
    if (t.kinds[k] === 'both') {
      const span = t.upper[k] - t.lower[k];
      if (p - t.lower[k] < 1e-6 * span || t.upper[k] - p < 1e-6 * span) return false;
    }
  }
  return true;
}

function rmsRelErrorPct(
  evaluator: ReturnType<typeof compileCircuit>,
  p: Float64Array,
  data: CheckedSpectrum,
): number {
  evaluator.evaluate(p);
  const n = data.frequenciesHz.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = evaluator.zRealOhm[i] - data.zRealOhm[i];
    const b = evaluator.zImagOhm[i] - data.zImagOhm[i];
    sum += (a * a + b * b) / (data.zRealOhm[i] ** 2 + data.zImagOhm[i] ** 2);
  }
  return 100 * Math.sqrt(sum / n);
}

/**
 * Standard errors from the covariance (JᵀWJ)⁻¹·s², s² = χ²/(2N − n_free), the usual CNLS estimate (Boukamp 1986;
 * scipy's curve_fit with absolute_sigma=False, which impedance.py reports). J is taken in physical units: the
 * internal Jacobian divided by dp/du.
 */
function standardErrors(
  p: Float64Array,
  problemFor: (start: Float64Array) => ReturnType<typeof makeCircuitProblem>,
  t: ParameterTransform,
  cost: number,
  n: number,
): number[] {
  const out = new Array<number>(p.length).fill(0);
  const nFree = t.free.length;
  if (nFree === 0) return out;
  const problem = problemFor(p);
  const u = new Float64Array(nFree);
  t.free.forEach((k, f) => (u[f] = toInternal(t, k, p[k])));
  const m = 2 * n;
  const r = new Float64Array(m);
  const jac = new Float64Array(m * nFree);
  problem.residualsAndJacobian(u, r, jac);
  const jtj = new Float64Array(nFree * nFree);
  for (let a = 0; a < nFree; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += jac[a * m + i] * jac[b * m + i];
      jtj[a * nFree + b] = s;
      jtj[b * nFree + a] = s;
    }
  }
  const inv = symmetricInverse(jtj, nFree);
  const dof = Math.max(1, m - nFree);
  const s2 = cost / dof;
  t.free.forEach((k, f) => {
    // Internal variance → physical via (dp/du)²; the Jacobian above already includes dp/du, hence the product.
    const dpdu = derivative(t, k, p[k]);
    out[k] = inv && inv[f * nFree + f] >= 0 ? Math.abs(dpdu) * Math.sqrt(inv[f * nFree + f] * s2) : NaN;
  });
  return out;
}
