/**
 * SOC → U(SOC) → Δφ (physics.md §1.2) and the coating's series split of the mismatch (§6).
 */
import { VACUUM_PERMITTIVITY_F_PER_M } from './constants';
import { InterfaceModelInputError } from './errors';
import type { Material } from './materials/material.types';
import { createTable, interpolate, type Table1D } from './numerics/interpolate';
import { debyeLengthM } from './scl/debye-length';

const ocvCache = new WeakMap<Material, Table1D>();

/** Cathode OCV U(SOC) by monotone cubic interpolation of the material's table (held flat outside it). */
export function openCircuitVoltageV(cathode: Material, soc: number): number {
  if (!cathode.ocv) throw new InterfaceModelInputError('cathode', `'${cathode.id}' has no OCV table`);
  let table = ocvCache.get(cathode);
  if (!table) {
    table = createTable(cathode.ocv.soc, cathode.ocv.voltageV, 'pchip');
    ocvCache.set(cathode, table);
  }
  return interpolate(table, soc);
}

/**
 * §6 [P]: series capacitors cathode | coating | SE carry equal charge, so the SE takes
 * f_SE' = (1/C_SE)/(1/C_SE + 1/C_coat + 1/C_cath). Eliminating C_cath through the uncoated share
 * f_SE = C_cath/(C_cath + C_SE) gives f_SE' = 1/(1/f_SE + C_SE/C_coat), with C_coat = ε_c/t_c and the SE's
 * linear capacitance C_SE = ε_SE/λ_eff (§1.3, λ_eff = λ_D/sqrt(1 − θ0)).
 */
export function coatedSeShare(
  fSe: number,
  electrolyte: Material,
  coating: Material,
  coatingThicknessNm: number,
  temperatureK: number,
): number {
  const epsSe = VACUUM_PERMITTIVITY_F_PER_M * electrolyte.epsR.value;
  const n0Cm3 = electrolyte.carrierDensityCm3?.value as number;
  const cMaxCm3 = electrolyte.siteDensityCm3?.value;
  const theta0 = cMaxCm3 && cMaxCm3 > n0Cm3 ? n0Cm3 / cMaxCm3 : 0;
  const lambdaEffM = debyeLengthM(electrolyte.epsR.value, n0Cm3 * 1e6, temperatureK) / Math.sqrt(1 - theta0);
  const cSeFPerM2 = epsSe / lambdaEffM;
  const cCoatFPerM2 = (VACUUM_PERMITTIVITY_F_PER_M * coating.epsR.value) / (coatingThicknessNm * 1e-9);
  return 1 / (1 / fSe + cSeFPerM2 / cCoatFPerM2);
}

export interface PotentialStep {
  readonly ocvV: number;
  readonly uEqV: number;
  /** Δφ_tot = U − U_eq. */
  readonly totalMismatchV: number;
  /** Effective SE share (f_SE or the coated f_SE'). */
  readonly seShare: number;
  /** Δφ on the SE side; > 0 depletes Li⁺. */
  readonly potentialDropV: number;
}

/** §1.2 [P]: Δφ = f_SE·(U(SOC) − U_eq). */
export function potentialStep(ocvV: number, uEqV: number, seShare: number): PotentialStep {
  const totalMismatchV = ocvV - uEqV;
  return { ocvV, uEqV, totalMismatchV, seShare, potentialDropV: seShare * totalMismatchV };
}
