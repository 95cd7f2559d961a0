/**
 * coth and tanh of s = x(1 + j), x > 0, the argument √(jωτ) of the finite Warburg elements.
 *
 * Written through E = expm1(−2s) so that neither overflows for large x (E → −1) nor loses digits for small x, where
 * coth s ≈ 1/s and the naive (e^{2s}+1)/(e^{2s}−1) cancels catastrophically. coth s = (2 + E)/(−E),
 * tanh s = −E/(2 + E) follow from coth s = (1 + e^{−2s})/(1 − e^{−2s}).
 * Complex expm1(u + jv) = expm1(u)·cos v − 2 sin²(v/2) + j·e^u sin v avoids the cancellation in e^u cos v − 1.
 */
export function expm1MinusTwoS(x: number, out: Float64Array): void {
  const u = -2 * x;
  const sinHalf = Math.sin(u / 2);
  out[0] = Math.expm1(u) * Math.cos(u) - 2 * sinHalf * sinHalf;
  out[1] = Math.exp(u) * Math.sin(u);
}
