/**
 * Linear least squares min‖A x − b‖₂ by Householder QR (Golub & Van Loan, 4th ed., §5.3.3), used where the normal
 * equations would square an already poor condition number (Lin-KK's RC basis). `a` is m×n column-major and is
 * overwritten; `b` (length m) is overwritten. Columns whose R-diagonal falls below `rankTolerance`·max get x = 0.
 */
export function householderLeastSquares(
  a: Float64Array,
  m: number,
  n: number,
  b: Float64Array,
  rankTolerance = 1e-13,
): Float64Array {
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const col = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) norm = Math.hypot(norm, a[col + i]);
    if (norm === 0) {
      diag[k] = 0;
      continue;
    }
    const alpha = a[col + k] > 0 ? -norm : norm;
    // v = x − α e₁ stored in place; reflector H = I − 2 v vᵀ/(vᵀv)
    a[col + k] -= alpha;
    let vtv = 0;
    for (let i = k; i < m; i++) vtv += a[col + i] * a[col + i];
    for (let j = k + 1; j < n; j++) {
      const cj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[col + i] * a[cj + i];
      const f = (2 * dot) / vtv;
      for (let i = k; i < m; i++) a[cj + i] -= f * a[col + i];
    }
    let dotB = 0;
    for (let i = k; i < m; i++) dotB += a[col + i] * b[i];
    const fb = (2 * dotB) / vtv;
    for (let i = k; i < m; i++) b[i] -= fb * a[col + i];
    diag[k] = alpha;
  }
  let maxDiag = 0;
  for (let k = 0; k < n; k++) maxDiag = Math.max(maxDiag, Math.abs(diag[k]));
  const x = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    if (Math.abs(diag[k]) <= rankTolerance * maxDiag) {
      x[k] = 0;
      continue;
    }
    let s = b[k];
    for (let j = k + 1; j < n; j++) s -= a[j * m + k] * x[j];
    x[k] = s / diag[k];
  }
  return x;
}
