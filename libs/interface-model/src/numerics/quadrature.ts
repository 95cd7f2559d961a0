/**
 * Composite Gauss–Legendre quadrature. The SCL integrals (physics.md §1.5, §1.7) are smooth on each side of ψ = 0,
 * so a few fixed nodes per sub-interval reach ~1e-8 relative accuracy without adaptivity (real-time budget, §1.12).
 */

// 4-point Gauss–Legendre nodes/weights on [-1, 1] (Abramowitz & Stegun, Table 25.4).
const NODES_4 = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const WEIGHTS_4 = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

// 3-point rule for the cumulative profile integral (one value per profile interval is enough there).
const NODES_3 = [-0.7745966692414834, 0, 0.7745966692414834];
const WEIGHTS_3 = [0.5555555555555556, 0.8888888888888888, 0.5555555555555556];

export function gaussLegendre4(f: (x: number) => number, a: number, b: number): number {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let sum = 0;
  for (let k = 0; k < 4; k++) sum += WEIGHTS_4[k] * f(mid + half * NODES_4[k]);
  return sum * half;
}

export function gaussLegendre3(f: (x: number) => number, a: number, b: number): number {
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let sum = 0;
  for (let k = 0; k < 3; k++) sum += WEIGHTS_3[k] * f(mid + half * NODES_3[k]);
  return sum * half;
}

export function compositeGauss(f: (x: number) => number, a: number, b: number, intervals: number): number {
  const h = (b - a) / intervals;
  let sum = 0;
  for (let i = 0; i < intervals; i++) sum += gaussLegendre4(f, a + i * h, a + (i + 1) * h);
  return sum;
}
