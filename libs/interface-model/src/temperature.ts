/**
 * Arrhenius laws (physics.md §1.8). Conductivity uses the form without the 1/T prefactor,
 * σ(T) = σ(T_ref)·exp[−(E_a/k_B)(1/T − 1/T_ref)], so every resistance obeys R(T) = R(T_ref)·exp[(E_a/k_B)(1/T − 1/T_ref)].
 */
import { BOLTZMANN_J_PER_K, ELEMENTARY_CHARGE_C } from './constants';

/** R(T)/R(T_ref) for an activation energy in eV. */
export function arrheniusResistanceFactor(
  activationEnergyEv: number,
  temperatureK: number,
  referenceK: number,
): number {
  return Math.exp(
    ((activationEnergyEv * ELEMENTARY_CHARGE_C) / BOLTZMANN_J_PER_K) * (1 / temperatureK - 1 / referenceK),
  );
}

export function conductivityAtTemperature(
  conductivityAtRefSPerCm: number,
  activationEnergyEv: number,
  temperatureK: number,
  referenceK: number,
): number {
  return conductivityAtRefSPerCm / arrheniusResistanceFactor(activationEnergyEv, temperatureK, referenceK);
}

/** §1.9 [P]: R_ct = R_ct0·Arrhenius(T)·exp(β·max(ψ0, 0)). */
export function chargeTransferResistanceOhmCm2(
  rCt0OhmCm2: number,
  activationEnergyEv: number,
  beta: number,
  psi0: number,
  temperatureK: number,
  referenceK: number,
): number {
  return (
    rCt0OhmCm2 *
    arrheniusResistanceFactor(activationEnergyEv, temperatureK, referenceK) *
    Math.exp(beta * Math.max(psi0, 0))
  );
}
