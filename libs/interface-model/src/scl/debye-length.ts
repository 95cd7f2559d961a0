import { BOLTZMANN_J_PER_K, ELEMENTARY_CHARGE_C, VACUUM_PERMITTIVITY_F_PER_M } from '../constants';

/**
 * λ_D = sqrt(ε0 εr k_B T / (n0 e²)), one mobile carrier on a fixed background: the project default of
 * physics.md §1.3 (no factor 2; the symmetric two-species form differs by √2 and is not mixed in).
 */
export function debyeLengthM(epsR: number, carrierDensityM3: number, temperatureK: number): number {
  return Math.sqrt(
    (VACUUM_PERMITTIVITY_F_PER_M * epsR * BOLTZMANN_J_PER_K * temperatureK) /
      (carrierDensityM3 * ELEMENTARY_CHARGE_C * ELEMENTARY_CHARGE_C),
  );
}

export function debyeLengthNm(epsR: number, carrierDensityCm3: number, temperatureK: number): number {
  return debyeLengthM(epsR, carrierDensityCm3 * 1e6, temperatureK) * 1e9;
}
