/**
 * The SOC-dependent chain for one cathode | (coating) | electrolyte pair (physics.md §1.12), split in the two
 * parts the twin caches differently: the electrostatic part (expensive, depends on SOC and T) and the mechanical
 * part (cheap, evaluated every sample).
 */
import { DEFAULT_TEMPERATURE_K, MODEL_VERSION } from './constants';
import { InterfaceModelInputError, requireFinite, requireInRange, requirePositive } from './errors';
import { contactReport, type ContactReport, type MechanicsState } from './mechanics/mechanics-state';
import { cAxisStrain, socToLithiumContent, volumeStrain } from './mechanics/lattice-strain';
import { createMaterialRegistry } from './materials/material-registry';
import type { Material } from './materials/material.types';
import { stableHash } from './numerics/stable-hash';
import { resolveParameters, type InterfaceModelParams, type SclModel } from './parameters';
import { coatedSeShare, openCircuitVoltageV, potentialStep } from './potential-step';
import { classifyRegime, type RegimeResult } from './regime';
import { solveScl } from './scl/solve-scl';
import type { ProfilePoint } from './scl/scl.types';
import { chargeTransferResistanceOhmCm2, conductivityAtTemperature } from './temperature';

export interface CoatingSpec {
  readonly material: string;
  readonly thicknessNm: number;
}

export interface CellConfig {
  readonly cathode: string;
  readonly electrolyte: string;
  readonly coating?: CoatingSpec | null;
}

export interface PreparedCell {
  readonly config: CellConfig;
  readonly params: InterfaceModelParams;
  readonly cathode: Material;
  readonly electrolyte: Material;
  readonly coating: Material | null;
  readonly coatingThicknessNm: number;
  readonly uEqV: number;
  readonly parameterHash: string;
}

/** Everything that depends on SOC and T only; plain numbers so the twin can checkpoint it. */
export interface ElectrostaticPart {
  readonly modelUsed: SclModel;
  readonly ocvV: number;
  readonly uEqV: number;
  readonly seShare: number;
  readonly potentialDropV: number;
  readonly psi0: number;
  readonly debyeLengthNm: number;
  readonly thicknessNm: number;
  readonly peakFieldVPerM: number;
  readonly arealChargeUCPerCm2: number;
  readonly capacitanceUFPerCm2: number;
  readonly surfaceConcentrationRatio: number;
  readonly sclResistanceOhmCm2: number;
  readonly activationEnergyEv: number | null;
  readonly depletionWidthNm: number | null;
  readonly maxwellStressMPa: number;
  readonly chargeTransferResistanceOhmCm2: number;
  readonly coatingResistanceOhmCm2: number;
  /** d ln R_SCL / d ln ψ0 (calibration). */
  readonly sclResistanceLogSensitivity: number;
}

export interface MechanicsReport extends ContactReport {
  readonly xLi: number;
  readonly volumeStrain: number;
  readonly cAxisStrain: number | null;
  readonly stackPressureMPa: number;
}

export interface InterfaceSummary {
  readonly potentialDropV: number;
  readonly debyeLengthNm: number;
  readonly thicknessNm: number;
  readonly peakFieldVPerM: number;
  readonly arealChargeUCPerCm2: number;
  readonly capacitanceUFPerCm2: number;
  readonly surfaceConcentrationRatio: number;
  readonly sclResistanceOhmCm2: number | null;
  readonly activationEnergyEv: number | null;
  readonly contactFraction: number | null;
  readonly volumeStrain: number | null;
  readonly predictedInterfaceResistanceOhmCm2: number | null;
  readonly depletionWidthNm: number | null;
}

export interface ModelStamp {
  readonly version: string;
  readonly parameterHash: string;
}

/** Looks a material up and names the request field that chose it when it is unknown or of the wrong kind. */
function getAs(
  registry: ReturnType<typeof createMaterialRegistry>,
  id: string,
  kind: Material['kind'],
  field: string,
): Material {
  try {
    return registry.get(id, kind);
  } catch (error) {
    if (error instanceof InterfaceModelInputError && error.field === 'material') {
      throw new InterfaceModelInputError(field, error.reason);
    }
    throw error;
  }
}

export function prepareCell(config: CellConfig, overrides: Partial<InterfaceModelParams> = {}): PreparedCell {
  const params = resolveParameters(overrides);
  const registry = createMaterialRegistry(params.materials);
  if (!config || typeof config.cathode !== 'string')
    throw new InterfaceModelInputError('cathode', 'required');
  if (typeof config.electrolyte !== 'string') throw new InterfaceModelInputError('electrolyte', 'required');
  const cathode = getAs(registry, config.cathode, 'cathode', 'cathode');
  const electrolyte = getAs(registry, config.electrolyte, 'electrolyte', 'electrolyte');
  if (!cathode.ocv) throw new InterfaceModelInputError('cathode', `'${cathode.id}' has no OCV table`);
  if (electrolyte.bulkConductivitySPerCm === null) {
    throw new InterfaceModelInputError('electrolyte', `'${electrolyte.id}' has no bulk conductivity`);
  }
  let coating: Material | null = null;
  let coatingThicknessNm = 0;
  if (config.coating) {
    coating = getAs(registry, config.coating.material, 'coating', 'coating.material');
    coatingThicknessNm = requirePositive('coating.thicknessNm', config.coating.thicknessNm);
  }
  const uEqV = params.uEqV ?? electrolyte.neutralityPotentialV?.value ?? params.fallbackUEqV;
  const parameterHash = stableHash({
    version: MODEL_VERSION,
    params,
    cathode,
    electrolyte,
    coating,
    coatingThicknessNm,
  });
  return { config, params, cathode, electrolyte, coating, coatingThicknessNm, uEqV, parameterHash };
}

export function validateSoc(soc: unknown): number {
  return requireInRange('soc', soc, 0, 1);
}

export function validateTemperatureK(temperatureK: unknown): number {
  const t = requirePositive('temperatureK', temperatureK);
  if (t < 150 || t > 700) throw new InterfaceModelInputError('temperatureK', 'must be in [150, 700] K');
  return t;
}

export function validatePressureMPa(stackPressureMPa: unknown): number {
  const p = requireFinite('stackPressureMPa', stackPressureMPa);
  if (p < 0) throw new InterfaceModelInputError('stackPressureMPa', 'must be >= 0');
  return p;
}

export function validateCycle(cycle: unknown): number {
  const c = requireFinite('cycle', cycle);
  if (!Number.isInteger(c) || c < 0)
    throw new InterfaceModelInputError('cycle', 'must be a non-negative integer');
  return c;
}

export function electrostaticsAt(
  cell: PreparedCell,
  soc: number,
  temperatureK: number,
  profilePoints: number,
): { part: ElectrostaticPart; profile: readonly ProfilePoint[] } {
  const { params, electrolyte } = cell;
  const ocvV = openCircuitVoltageV(cell.cathode, soc);
  const seShare = cell.coating
    ? coatedSeShare(params.fSe, electrolyte, cell.coating, cell.coatingThicknessNm, temperatureK)
    : params.fSe;
  const step = potentialStep(ocvV, cell.uEqV, seShare);
  const eaBulkEv = electrolyte.activationEnergyEv?.value ?? null;
  const sigmaRef = electrolyte.bulkConductivitySPerCm?.value as number;
  const sigmaT = conductivityAtTemperature(
    sigmaRef,
    eaBulkEv ?? 0,
    temperatureK,
    params.referenceTemperatureK,
  );
  const scl = solveScl({
    model: params.sclModel,
    epsR: electrolyte.epsR.value,
    carrierDensityCm3: electrolyte.carrierDensityCm3?.value as number,
    siteDensityCm3: electrolyte.siteDensityCm3?.value ?? null,
    potentialDropV: step.potentialDropV,
    temperatureK,
    bulkConductivitySPerCm: sigmaT,
    profilePoints,
  });
  const rCt = chargeTransferResistanceOhmCm2(
    params.rCt0OhmCm2,
    params.ctActivationEnergyEv,
    params.beta,
    scl.psi0,
    temperatureK,
    params.referenceTemperatureK,
  );
  // §6 [P]: R_coat = t_c/σ_c in series (Arrhenius-free: no E_a is known for amorphous LiNbO3).
  const coatSigma = cell.coating?.bulkConductivitySPerCm?.value;
  const rCoat = coatSigma ? (cell.coatingThicknessNm * 1e-7) / coatSigma : 0;
  return {
    part: {
      modelUsed: scl.modelUsed,
      ocvV,
      uEqV: cell.uEqV,
      seShare,
      potentialDropV: scl.potentialDropV,
      psi0: scl.psi0,
      debyeLengthNm: scl.debyeLengthNm,
      thicknessNm: scl.thicknessNm,
      peakFieldVPerM: scl.peakFieldVPerM,
      arealChargeUCPerCm2: scl.arealChargeUCPerCm2,
      capacitanceUFPerCm2: scl.capacitanceUFPerCm2,
      surfaceConcentrationRatio: scl.surfaceConcentrationRatio,
      sclResistanceOhmCm2: scl.sclResistanceOhmCm2 as number,
      activationEnergyEv: eaBulkEv === null ? null : eaBulkEv + scl.activationEnergyShiftEv,
      depletionWidthNm: scl.depletionWidthNm,
      maxwellStressMPa: scl.maxwellStressMPa,
      chargeTransferResistanceOhmCm2: rCt,
      coatingResistanceOhmCm2: rCoat,
      sclResistanceLogSensitivity: scl.resistanceLogSensitivity,
    },
    profile: scl.profile,
  };
}

export function mechanicsAt(
  cell: PreparedCell,
  soc: number,
  stackPressureMPa: number,
  state: MechanicsState,
): MechanicsReport {
  const xLi = socToLithiumContent(cell.cathode, soc);
  const epsV = volumeStrain(cell.cathode, xLi);
  const c = contactReport(state, epsV, stackPressureMPa, cell.params);
  return {
    staticContactFraction: c.staticContactFraction,
    gapFactor: c.gapFactor,
    damage: c.damage,
    damageReversible: c.damageReversible,
    damageIrreversible: c.damageIrreversible,
    contactFraction: c.contactFraction,
    mechanicalResistanceIncreaseOhmCm2: c.mechanicalResistanceIncreaseOhmCm2,
    xLi,
    volumeStrain: epsV,
    cAxisStrain: cAxisStrain(cell.cathode, xLi),
    stackPressureMPa,
  };
}

/** Interfacial resistance on the real contact area: (R_ct + R_SCL + R_coat)/f_c (§1.9, §4.4.4). */
export function predictedInterfaceResistance(es: ElectrostaticPart, contactFraction: number): number {
  return (
    (es.chargeTransferResistanceOhmCm2 + es.sclResistanceOhmCm2 + es.coatingResistanceOhmCm2) /
    contactFraction
  );
}

export function assemble(
  cell: PreparedCell,
  es: ElectrostaticPart,
  mech: MechanicsReport,
): { summary: InterfaceSummary; regime: RegimeResult } {
  const p = cell.params;
  const summary: InterfaceSummary = {
    potentialDropV: es.potentialDropV,
    debyeLengthNm: es.debyeLengthNm,
    thicknessNm: es.thicknessNm,
    peakFieldVPerM: es.peakFieldVPerM,
    arealChargeUCPerCm2: es.arealChargeUCPerCm2,
    capacitanceUFPerCm2: es.capacitanceUFPerCm2,
    surfaceConcentrationRatio: es.surfaceConcentrationRatio,
    sclResistanceOhmCm2: es.sclResistanceOhmCm2,
    activationEnergyEv: es.activationEnergyEv,
    contactFraction: mech.contactFraction,
    volumeStrain: mech.volumeStrain,
    predictedInterfaceResistanceOhmCm2: predictedInterfaceResistance(es, mech.contactFraction),
    depletionWidthNm: es.depletionWidthNm,
  };
  const regime = classifyRegime(
    {
      psi0: es.psi0,
      volumeStrain: mech.volumeStrain,
      contactFraction: mech.contactFraction,
      stackPressureMPa: mech.stackPressureMPa,
      sclResistanceOhmCm2: es.sclResistanceOhmCm2,
      maxwellStressMPa: es.maxwellStressMPa,
      rCt0OhmCm2: p.rCt0OhmCm2,
      rInt0OhmCm2: p.rInt0OhmCm2,
      beta: p.beta,
      pRefMPa: p.pRefMPa,
      indexFieldTerm: p.indexFieldTerm,
    },
    p.regimeRule,
  );
  return { summary, regime };
}

export function defaultTemperatureK(value: number | undefined): number {
  return value === undefined ? DEFAULT_TEMPERATURE_K : validateTemperatureK(value);
}
