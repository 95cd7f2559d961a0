/**
 * Residual weights for CNLS. Σ w_re (Ẑ' − Z')² + w_im (Ẑ'' − Z'')² is minimised.
 * - unit: w = 1 (impedance.py's default, sigma = None).
 * - modulus: w = 1/|Z|² on both parts, i.e. Σ|Z − Ẑ|²/|Z|² (Boukamp, J. Electrochem. Soc. 142, 1885 (1995)).
 * - proportional: w_re = 1/Z'², w_im = 1/Z''², impedance.py's `sigma = [Z', Z'']`. A part that is near zero would get
 *   an unbounded weight, so each part is floored at 1e-3·|Z| (our choice; impedance.py has no floor).
 */
export type Weighting = 'unit' | 'modulus' | 'proportional';

export const WEIGHTINGS: readonly Weighting[] = ['unit', 'modulus', 'proportional'];

/** Square roots of the weights, as multipliers of the residuals. */
export function residualScales(
  weighting: Weighting,
  zRealOhm: Float64Array,
  zImagOhm: Float64Array,
): { real: Float64Array; imag: Float64Array } {
  const n = zRealOhm.length;
  const real = new Float64Array(n);
  const imag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mod = Math.hypot(zRealOhm[i], zImagOhm[i]);
    switch (weighting) {
      case 'unit':
        real[i] = 1;
        imag[i] = 1;
        break;
      case 'modulus':
        real[i] = 1 / mod;
        imag[i] = 1 / mod;
        break;
      case 'proportional': {
        const floor = 1e-3 * mod;
        real[i] = 1 / Math.max(Math.abs(zRealOhm[i]), floor);
        imag[i] = 1 / Math.max(Math.abs(zImagOhm[i]), floor);
        break;
      }
    }
  }
  return { real, imag };
}
