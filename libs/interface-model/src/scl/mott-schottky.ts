/**
 * Mott–Schottky depletion layer (physics.md §1.4d): immobile background N = n0, fully depleted zone of width
 * w = sqrt(2εΔφ/(eN)) (no kT correction), φ = Δφ(1 − x/w)². Carriers inside follow Boltzmann on that profile,
 * which gives the §1.7 closed form R_SCL = (w/σ_bulk)·∫₀¹(e^{ψ0u²} − 1)du.
 */
import { compositeGauss } from '../numerics/quadrature';
import type { ProfilePoint, SclCore } from './scl.types';

export interface MottSchottkyInputs {
  readonly psi0: number;
  readonly potentialDropV: number;
  readonly permittivityFPerM: number;
  readonly thermalVoltageV: number;
  readonly backgroundDensityM3: number;
  readonly elementaryChargeC: number;
  readonly profilePoints: number;
}

export function mottSchottkyWidthM(
  permittivityFPerM: number,
  potentialDropV: number,
  elementaryChargeC: number,
  backgroundDensityM3: number,
): number {
  return Math.sqrt((2 * permittivityFPerM * potentialDropV) / (elementaryChargeC * backgroundDensityM3));
}

/** J(ψ0) = ∫₀¹ (e^{ψ0u²} − 1) du; the integrand steepens near u = 1 on a scale 1/(2ψ0), hence ~2ψ0 panels. */
export function mottSchottkyResistanceIntegral(psi0: number): number {
  const intervals = Math.min(200, Math.max(8, Math.ceil(2 * psi0)));
  return compositeGauss((u) => Math.expm1(psi0 * u * u), 0, 1, intervals);
}

export function solveMottSchottky(inp: MottSchottkyInputs): SclCore {
  const { psi0, potentialDropV: dphi, permittivityFPerM: eps } = inp;
  const w = mottSchottkyWidthM(eps, dphi, inp.elementaryChargeC, inp.backgroundDensityM3);
  const j = mottSchottkyResistanceIntegral(psi0);
  // Integration by parts: ∫₀¹u²e^{au²}du = (e^a − ∫₀¹e^{au²}du)/(2a), so J' needs no second quadrature.
  const jPrime = (Math.exp(psi0) - (j + 1)) / (2 * psi0);
  // §1.8: w does not depend on T at fixed Δφ, so (E_a,SCL − E_a,bulk)/kT = ψ0·J'/J (→ ψ0 − 1 for ψ0 ≫ 1).
  const logSlope = (psi0 * jPrime) / j;
  const profile: ProfilePoint[] = [];
  const n = inp.profilePoints;
  for (let k = 0; n >= 2 && k < n; k++) {
    const x = (1.5 * w * k) / (n - 1);
    const u = Math.max(0, 1 - x / w);
    const psi = psi0 * u * u;
    profile.push({ xNm: x * 1e9, potentialV: psi * inp.thermalVoltageV, concentrationRatio: Math.exp(-psi) });
  }
  return {
    modelUsed: 'mott-schottky',
    arealChargeCPerM2: inp.elementaryChargeC * inp.backgroundDensityM3 * w,
    capacitanceFPerM2: eps / w,
    thicknessM: w / 2,
    surfaceConcentrationRatio: Math.exp(-psi0),
    resistanceLengthM: w * j,
    activationShiftOverKT: logSlope,
    // w ∝ sqrt(Δφ) adds 1/2 to d ln R/d ln ψ0 at fixed T.
    resistanceLogSensitivity: 0.5 + logSlope,
    profile,
  };
}
