import { choleskyFactor, choleskySolve } from '../linalg/cholesky';

/**
 * Non-negative least squares in Gram form: minimise ½xᵀGx − hᵀx subject to x ≥ 0, with G = KᵀK + λLᵀL symmetric
 * positive definite. Lawson & Hanson's active-set algorithm (Solving Least Squares Problems, 1974, ch. 23,
 * Alg. NNLS), with the passive-set subproblems solved by Cholesky on the corresponding block of G.
 */
export function nnlsGram(
  g: Float64Array,
  h: Float64Array,
  n: number,
  maxIterations = 3 * n + 30,
): Float64Array {
  const x = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const passive = new Uint8Array(n);
  const index = new Int32Array(n);
  const block = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  let hMax = 0;
  for (let i = 0; i < n; i++) hMax = Math.max(hMax, Math.abs(h[i]));
  const tolerance = 1e-12 * Math.max(hMax, 1e-300);

  const gradient = (): void => {
    for (let i = 0; i < n; i++) {
      let s = h[i];
      for (let j = 0; j < n; j++) if (x[j] !== 0) s -= g[i * n + j] * x[j];
      w[i] = s;
    }
  };

  // Solves G_PP z_P = h_P; returns false if the block is singular (the newest index is then dropped).
  const solvePassive = (): boolean => {
    let p = 0;
    for (let i = 0; i < n; i++) if (passive[i]) index[p++] = i;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) block[a * p + b] = g[index[a] * n + index[b]];
      rhs[a] = h[index[a]];
    }
    if (!choleskyFactor(block, p)) return false;
    choleskySolve(block, p, rhs);
    z.fill(0);
    for (let a = 0; a < p; a++) z[index[a]] = rhs[a];
    return true;
  };

  let iterations = 0;
  gradient();
  while (iterations++ < maxIterations) {
    let best = -1;
    let bestW = tolerance;
    for (let i = 0; i < n; i++) {
      if (!passive[i] && w[i] > bestW) {
        bestW = w[i];
        best = i;
      }
    }
    if (best < 0) break;
    passive[best] = 1;
    if (!solvePassive()) {
      passive[best] = 0;
      break;
    }
    // Inner loop: step back toward feasibility until every passive z is positive.
    for (let inner = 0; inner < n; inner++) {
      let alpha = Infinity;
      for (let i = 0; i < n; i++) {
        if (passive[i] && z[i] <= 0) alpha = Math.min(alpha, x[i] / (x[i] - z[i]));
      }
      if (alpha === Infinity) break;
      for (let i = 0; i < n; i++) {
        if (!passive[i]) continue;
        x[i] += alpha * (z[i] - x[i]);
        if (x[i] <= 1e-15 * Math.max(1, Math.abs(z[i]))) {
          x[i] = 0;
          passive[i] = 0;
        }
      }
      if (!solvePassive()) break;
    }
    for (let i = 0; i < n; i++) x[i] = passive[i] ? z[i] : 0;
    gradient();
  }
  return x;
}
