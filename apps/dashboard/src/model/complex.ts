/** Minimal complex arithmetic on [re, im] pairs for the impedance evaluator. */
export type Complex = readonly [number, number];

export const add = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
export const mul = (a: Complex, b: Complex): Complex => [
  a[0] * b[0] - a[1] * b[1],
  a[0] * b[1] + a[1] * b[0],
];
export function div(a: Complex, b: Complex): Complex {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
}
export const inv = (a: Complex): Complex => div([1, 0], a);
export const abs = (a: Complex): number => Math.hypot(a[0], a[1]);

/** Principal power z^p via polar form. */
export function pow(z: Complex, p: number): Complex {
  const r = abs(z);
  if (r === 0) return [0, 0];
  const theta = Math.atan2(z[1], z[0]);
  const rp = r ** p;
  return [rp * Math.cos(p * theta), rp * Math.sin(p * theta)];
}

/**
 * tanh(a + ib) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b) (Abramowitz & Stegun 4.5.51); for |a| > 20
 * the ratio is ±1 to double precision, which avoids cosh overflowing.
 */
export function tanh(z: Complex): Complex {
  const [a, b] = z;
  if (Math.abs(a) > 20) return [Math.sign(a), 0];
  const d = Math.cosh(2 * a) + Math.cos(2 * b);
  return [Math.sinh(2 * a) / d, Math.sin(2 * b) / d];
}
