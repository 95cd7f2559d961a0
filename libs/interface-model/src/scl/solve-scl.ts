/**
 * One SCL evaluation: validation, model dispatch and unit conversion (SI inside, reported units outside).
 */
import { ELEMENTARY_CHARGE_C, VACUUM_PERMITTIVITY_F_PER_M, thermalVoltageV } from '../constants';
import { InterfaceModelInputError, requireFinite, requirePositive } from '../errors';
import type { SclModel } from '../parameters';
import { GOUY_CHAPMAN, latticeGasScreening, solveBoltzmannScreening } from './boltzmann-screening';
import { debyeLengthM } from './debye-length';
import { mottSchottkyWidthM, solveMottSchottky } from './mott-schottky';
import type { SclCore, SclInput, SclResult } from './scl.types';

const MODELS: readonly SclModel[] = ['gouy-chapman', 'lattice-gas', 'mott-schottky'];
/** Beyond ±10 V no SE is electrochemically stable (physics.md §2 windows); also keeps e^{ψ0} finite. */
const MAX_POTENTIAL_DROP_V = 10;
/** The depletion approximation needs a depleted zone; below ψ0 = 1 there is none (physics.md §1.4d). */
const MOTT_SCHOTTKY_MIN_PSI0 = 1;

const CM3_TO_M3 = 1e6;
const PER_M2_TO_PER_CM2 = 1e-4;

function validate(input: SclInput): void {
  if (!MODELS.includes(input.model)) {
    throw new InterfaceModelInputError('model', `must be one of ${MODELS.join(', ')}`);
  }
  requirePositive('epsR', input.epsR);
  requirePositive('carrierDensityCm3', input.carrierDensityCm3);
  requirePositive('temperatureK', input.temperatureK);
  const dphi = requireFinite('potentialDropV', input.potentialDropV);
  if (Math.abs(dphi) > MAX_POTENTIAL_DROP_V) {
    throw new InterfaceModelInputError('potentialDropV', `|Δφ| must be <= ${MAX_POTENTIAL_DROP_V} V`);
  }
  if (input.siteDensityCm3 != null) {
    requirePositive('siteDensityCm3', input.siteDensityCm3);
    if (input.siteDensityCm3 < input.carrierDensityCm3) {
      throw new InterfaceModelInputError('siteDensityCm3', 'site density must be >= carrier density');
    }
  }
  if (input.model === 'lattice-gas') {
    if (input.siteDensityCm3 == null) {
      throw new InterfaceModelInputError('siteDensityCm3', 'required by the lattice-gas model');
    }
    if (input.siteDensityCm3 <= input.carrierDensityCm3) {
      throw new InterfaceModelInputError(
        'siteDensityCm3',
        'must exceed the carrier density for lattice-gas (θ0 = 1 leaves no vacancies to screen)',
      );
    }
  }
  if (input.bulkConductivitySPerCm != null)
    requirePositive('bulkConductivitySPerCm', input.bulkConductivitySPerCm);
}

/** §1.10: Maxwell traction p_M = ½ε0εrE0², in MPa. */
export function maxwellStressMPa(epsR: number, fieldVPerM: number): number {
  return (0.5 * VACUUM_PERMITTIVITY_F_PER_M * epsR * fieldVPerM * fieldVPerM) / 1e6;
}

export function solveScl(input: SclInput): SclResult {
  validate(input);
  const eps = VACUUM_PERMITTIVITY_F_PER_M * input.epsR;
  const n0M3 = input.carrierDensityCm3 * CM3_TO_M3;
  const vt = thermalVoltageV(input.temperatureK);
  const dphi = input.potentialDropV;
  const psi0 = dphi / vt;
  const lambda = debyeLengthM(input.epsR, n0M3, input.temperatureK);
  const profilePoints = input.profilePoints ?? 64;
  const hasSites = input.siteDensityCm3 != null && input.siteDensityCm3 > input.carrierDensityCm3;

  let core: SclCore;
  if (input.model === 'mott-schottky' && psi0 >= MOTT_SCHOTTKY_MIN_PSI0) {
    core = solveMottSchottky({
      psi0,
      potentialDropV: dphi,
      permittivityFPerM: eps,
      thermalVoltageV: vt,
      backgroundDensityM3: n0M3,
      elementaryChargeC: ELEMENTARY_CHARGE_C,
      profilePoints,
    });
  } else {
    // Mott–Schottky outside depletion falls back to its parent Boltzmann model: lattice gas when sites are known
    // (accumulation needs saturation, §1.4b), otherwise Gouy–Chapman.
    const useLatticeGas = input.model === 'lattice-gas' || (input.model === 'mott-schottky' && hasSites);
    const screening = useLatticeGas
      ? latticeGasScreening(input.carrierDensityCm3 / (input.siteDensityCm3 as number))
      : GOUY_CHAPMAN;
    core = solveBoltzmannScreening(screening, {
      psi0,
      debyeLengthM: lambda,
      permittivityFPerM: eps,
      thermalVoltageV: vt,
      carrierDensityM3: n0M3,
      elementaryChargeC: ELEMENTARY_CHARGE_C,
      profilePoints,
    });
  }
  if (!Number.isFinite(core.arealChargeCPerM2) || !Number.isFinite(core.resistanceLengthM)) {
    throw new InterfaceModelInputError(
      'potentialDropV',
      'Gouy–Chapman accumulation diverges at this Δφ (physics.md §1.4b); use lattice-gas',
    );
  }
  const fieldVPerM = core.arealChargeCPerM2 / eps;
  const resistanceLengthCm = core.resistanceLengthM * 100;
  return {
    model: input.model,
    modelUsed: core.modelUsed,
    potentialDropV: dphi,
    psi0,
    debyeLengthNm: lambda * 1e9,
    // 1 C/m² = 100 µC/cm²; 1 F/m² = 100 µF/cm².
    arealChargeUCPerCm2: core.arealChargeCPerM2 * 1e6 * PER_M2_TO_PER_CM2,
    peakFieldVPerM: fieldVPerM,
    capacitanceUFPerCm2: core.capacitanceFPerM2 * 1e6 * PER_M2_TO_PER_CM2,
    thicknessNm: core.thicknessM * 1e9,
    depletionWidthNm: dphi > 0 ? mottSchottkyWidthM(eps, dphi, ELEMENTARY_CHARGE_C, n0M3) * 1e9 : null,
    surfaceConcentrationRatio: core.surfaceConcentrationRatio,
    resistanceLengthNm: core.resistanceLengthM * 1e9,
    sclResistanceOhmCm2:
      input.bulkConductivitySPerCm != null ? resistanceLengthCm / input.bulkConductivitySPerCm : null,
    activationEnergyShiftEv: core.activationShiftOverKT * vt,
    resistanceLogSensitivity: core.resistanceLogSensitivity,
    maxwellStressMPa: maxwellStressMPa(input.epsR, fieldVPerM),
    profile: core.profile,
  };
}
