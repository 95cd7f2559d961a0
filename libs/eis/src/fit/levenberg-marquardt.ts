import { choleskyFactor, choleskySolve } from '../linalg/cholesky';

/**
 * Residual problem for LM: r(u) ∈ ℝ^m, J = ∂r/∂u stored column-major (column k at [k·m, (k+1)·m)).
 * Both callbacks return Σ r² and must write into the given buffers (no allocation in the loop).
 */
export interface LeastSquaresProblem {
  residualCount: number;
  parameterCount: number;
  residuals(u: Float64Array, r: Float64Array): number;
  residualsAndJacobian(u: Float64Array, r: Float64Array, jacobian: Float64Array): number;
}

export interface LmOptions {
  maxIterations: number;
  /** Stop when the step is below xTolerance·(‖u‖ + xTolerance). */
  xTolerance: number;
  /** Stop when an accepted step lowers Σr² by less than this fraction, twice in a row. */
  fTolerance: number;
  /** Stop when ‖Jᵀr‖∞ is below this. */
  gTolerance: number;
}

export interface LmResult {
  u: Float64Array;
  sumSquares: number;
  iterations: number;
  converged: boolean;
}

export const DEFAULT_LM_OPTIONS: LmOptions = {
  maxIterations: 200,
  xTolerance: 1e-11,
  fTolerance: 1e-10,
  gTolerance: 1e-14,
};

/**
 * Levenberg–Marquardt with Marquardt's diagonal scaling and Nielsen's damping update (Madsen, Nielsen & Tingleff,
 * "Methods for non-linear least squares problems", IMM DTU 2004, Alg. 3.16; scaling as in Moré 1978, MINPACK):
 * solve (JᵀJ + μD) h = −Jᵀr with D = running max of diag(JᵀJ); gain ratio ρ drives μ.
 */
export function levenbergMarquardt(
  problem: LeastSquaresProblem,
  u0: Float64Array,
  options: LmOptions,
): LmResult {
  const m = problem.residualCount;
  const n = problem.parameterCount;
  const u = u0.slice();
  const uTrial = new Float64Array(n);
  const r = new Float64Array(m);
  const rTrial = new Float64Array(m);
  const jac = new Float64Array(m * n);
  const jtj = new Float64Array(n * n);
  const g = new Float64Array(n);
  const scale = new Float64Array(n);
  const system = new Float64Array(n * n);
  const h = new Float64Array(n);

  let cost = problem.residualsAndJacobian(u, r, jac);
  if (!Number.isFinite(cost)) return { u, sumSquares: cost, iterations: 0, converged: false };
  let mu = 1e-3;
  let nu = 2;
  let iterations = 0;
  let converged = false;
  let smallDecreases = 0;
  let needNormal = true;

  while (iterations < options.maxIterations) {
    if (needNormal) {
      for (let a = 0; a < n; a++) {
        const ca = a * m;
        let ga = 0;
        for (let i = 0; i < m; i++) ga += jac[ca + i] * r[i];
        g[a] = ga;
        for (let b = 0; b <= a; b++) {
          const cb = b * m;
          let s = 0;
          for (let i = 0; i < m; i++) s += jac[ca + i] * jac[cb + i];
          jtj[a * n + b] = s;
          jtj[b * n + a] = s;
        }
        scale[a] = Math.max(scale[a], jtj[a * n + a], 1e-300);
      }
      needNormal = false;
      let gMax = 0;
      for (let a = 0; a < n; a++) gMax = Math.max(gMax, Math.abs(g[a]) / Math.sqrt(scale[a]));
      if (gMax <= options.gTolerance * Math.sqrt(Math.max(cost, 1e-300)) || cost === 0) {
        converged = true;
        break;
      }
    }
    iterations++;
    system.set(jtj);
    for (let a = 0; a < n; a++) system[a * n + a] += mu * scale[a];
    if (!choleskyFactor(system, n)) {
      mu *= nu;
      nu *= 2;
      continue;
    }
    for (let a = 0; a < n; a++) h[a] = -g[a];
    choleskySolve(system, n, h);
    let hNorm = 0;
    let uNorm = 0;
    for (let a = 0; a < n; a++) {
      hNorm += h[a] * h[a];
      uNorm += u[a] * u[a];
      uTrial[a] = u[a] + h[a];
    }
    hNorm = Math.sqrt(hNorm);
    uNorm = Math.sqrt(uNorm);
    if (hNorm <= options.xTolerance * (uNorm + options.xTolerance)) {
      converged = true;
      break;
    }
    const trialCost = problem.residuals(uTrial, rTrial);
    // Predicted reduction of Σr²: hᵀ(μDh − g) (twice Nielsen's L(0) − L(h), matching Σr² rather than ½Σr²).
    let predicted = 0;
    for (let a = 0; a < n; a++) predicted += h[a] * (mu * scale[a] * h[a] - g[a]);
    const rho = Number.isFinite(trialCost) && predicted > 0 ? (cost - trialCost) / predicted : -1;
    if (rho > 0) {
      const relativeDecrease = (cost - trialCost) / Math.max(cost, 1e-300);
      u.set(uTrial);
      cost = problem.residualsAndJacobian(u, r, jac);
      needNormal = true;
      mu *= Math.max(1 / 3, 1 - Math.pow(2 * rho - 1, 3));
      nu = 2;
      smallDecreases = relativeDecrease < options.fTolerance ? smallDecreases + 1 : 0;
      if (smallDecreases >= 2) {
        converged = true;
        break;
      }
    } else {
      mu *= nu;
      nu *= 2;
      if (mu > 1e30) {
        converged = true;
        break;
      }
    }
  }
  return { u, sumSquares: cost, iterations, converged };
}
