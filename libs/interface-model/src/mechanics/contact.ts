/**
 * Stack-pressure contact and contact-loss law (physics.md §4.4 [P]).
 */
import type { InterfaceModelParams } from '../parameters';

type ContactParams = Pick<InterfaceModelParams, 'fMin' | 'p0MPa' | 'psMPa' | 'epsTh' | 'kD' | 'm' | 'kGap'>;

/** §4.4.1: f_c0(P) = 1 − (1 − f_min)·exp(−P/P0). */
export function staticContactFraction(stackPressureMPa: number, p: ContactParams): number {
  return 1 - (1 - p.fMin) * Math.exp(-Math.max(0, stackPressureMPa) / p.p0MPa);
}

/**
 * Instantaneous gap factor while the particle is shrunk (this library's [P] addition, not in §4.4): §4.3 gives a
 * radial gap δr ≈ r_p|ε_V|/3 that the SE must follow, and R7/R11 place the damaging strain at high SOC. Pressure
 * closes the gap with the same P_s as the damage law. g = 1 below ε_th, so it vanishes at low SOC; k_gap = 0 removes it.
 */
export function gapContactFactor(volumeStrain: number, stackPressureMPa: number, p: ContactParams): number {
  const excess = Math.max(0, Math.abs(volumeStrain) - p.epsTh);
  return Math.exp(-p.kGap * excess * Math.exp(-Math.max(0, stackPressureMPa) / p.psMPa));
}

/** §4.4.2: per-cycle damage rate a = k_D·max(0, |Δε_V| − ε_th)^m·exp(−P/P_s), so D_{n+1} = D_n + a(1 − D_n). */
export function damageRatePerCycle(
  strainAmplitude: number,
  stackPressureMPa: number,
  p: ContactParams,
): number {
  const excess = Math.max(0, Math.abs(strainAmplitude) - p.epsTh);
  if (excess === 0) return 0;
  return Math.min(1, p.kD * Math.pow(excess, p.m) * Math.exp(-Math.max(0, stackPressureMPa) / p.psMPa));
}
