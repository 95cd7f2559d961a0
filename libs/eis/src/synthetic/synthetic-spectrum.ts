import { circuitImpedance } from '../circuit/compile-circuit';
import { gaussian, mulberry32 } from './mulberry32';

/** `count` frequencies log-spaced from fMaxHz down to fMinHz (the usual sweep direction). */
export function logSpacedFrequenciesHz(fMinHz: number, fMaxHz: number, count: number): number[] {
  const out: number[] = [];
  const a = Math.log10(fMaxHz);
  const b = Math.log10(fMinHz);
  for (let i = 0; i < count; i++) out.push(Math.pow(10, a + ((b - a) * i) / Math.max(1, count - 1)));
  return out;
}

/**
 * Impedance of a circuit with optional proportional Gaussian noise: each part gets σ = noiseFraction·|Z| (the
 * error structure of Orazem et al., J. Electrochem. Soc. 143, 3880 (1996), in its simplest form).
 */
export function synthesizeSpectrum(
  circuit: string,
  parameters: Readonly<Record<string, number>> | ArrayLike<number>,
  frequenciesHz: ArrayLike<number>,
  noiseFraction = 0,
  seed = 1,
): { frequenciesHz: number[]; zRealOhm: number[]; zImagOhm: number[] } {
  const z = circuitImpedance(circuit, parameters, frequenciesHz);
  const normal = gaussian(mulberry32(seed));
  const zRealOhm: number[] = [];
  const zImagOhm: number[] = [];
  for (let i = 0; i < frequenciesHz.length; i++) {
    const mod = Math.hypot(z.zRealOhm[i], z.zImagOhm[i]);
    zRealOhm.push(z.zRealOhm[i] + noiseFraction * mod * (noiseFraction ? normal() : 0));
    zImagOhm.push(z.zImagOhm[i] + noiseFraction * mod * (noiseFraction ? normal() : 0));
  }
  return { frequenciesHz: Array.from(frequenciesHz), zRealOhm, zImagOhm };
}
