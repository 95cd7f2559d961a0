/**
 * evaluateInterface: the what-if entry point. A cell situation runs the full chain of physics.md §1.12;
 * explicit physics runs one SCL closed form (§1.4) with the caller's εr, densities and Δφ.
 */
import { MODEL_VERSION } from './constants';
import { InterfaceModelInputError, requirePositive } from './errors';
import {
  assemble,
  defaultTemperatureK,
  electrostaticsAt,
  mechanicsAt,
  prepareCell,
  validateCycle,
  validatePressureMPa,
  validateSoc,
  type CoatingSpec,
  type ElectrostaticPart,
  type InterfaceSummary,
  type MechanicsReport,
  type ModelStamp,
  type PreparedCell,
} from './cell-model';
import { socToLithiumContent, volumeStrain } from './mechanics/lattice-strain';
import {
  advanceMechanicsCycle,
  initialMechanicsState,
  type MechanicsState,
} from './mechanics/mechanics-state';
import { stableHash } from './numerics/stable-hash';
import { resolveParameters, type InterfaceModelParams, type SclModel } from './parameters';
import type { PotentialStep } from './potential-step';
import { classifyRegime, type RegimeResult } from './regime';
import { solveScl } from './scl/solve-scl';
import type { ProfilePoint } from './scl/scl.types';

export interface CellSituation {
  readonly cathode: string;
  readonly electrolyte: string;
  readonly coating?: CoatingSpec | null;
  readonly soc: number;
  readonly temperatureK?: number;
  readonly stackPressureMPa?: number;
  /** Completed cycles; each is assumed to have swept the full SOC window at this pressure. */
  readonly cycle?: number;
  /** A checkpointed mechanics state replaces the `cycle` history assumption. */
  readonly mechanicsState?: MechanicsState;
}

export interface ExplicitPhysics {
  readonly model: SclModel;
  readonly epsR: number;
  readonly carrierDensityCm3: number;
  readonly siteDensityCm3?: number | null;
  readonly potentialDropV: number;
  readonly temperatureK?: number;
  readonly bulkConductivitySPerCm?: number | null;
  readonly bulkActivationEnergyEv?: number | null;
}

export type InterfaceQuery = CellSituation | ExplicitPhysics;

export interface InterfaceEvaluation {
  readonly interface: InterfaceSummary;
  readonly profile: readonly ProfilePoint[];
  readonly regime: RegimeResult;
  readonly mechanics: MechanicsReport | null;
  /** Situation only: OCV, U_eq, SE share and Δφ of §1.2. */
  readonly potentialStep: PotentialStep | null;
  readonly electrostatics: ElectrostaticPart | null;
  readonly modelUsed: SclModel;
  readonly model: ModelStamp;
}

function isExplicit(q: InterfaceQuery): q is ExplicitPhysics {
  return typeof (q as ExplicitPhysics).model === 'string';
}

/** Full-window strain amplitude, the per-cycle Δε_V assumed for a situation's past cycles. */
export function fullWindowStrainAmplitude(cell: PreparedCell): number {
  const a = volumeStrain(cell.cathode, socToLithiumContent(cell.cathode, 0));
  const b = volumeStrain(cell.cathode, socToLithiumContent(cell.cathode, 1));
  return Math.abs(a - b);
}

export function evaluateSituation(cell: PreparedCell, q: CellSituation): InterfaceEvaluation {
  const soc = validateSoc(q.soc);
  const temperatureK = defaultTemperatureK(q.temperatureK);
  const pressure = validatePressureMPa(q.stackPressureMPa ?? cell.params.defaultStackPressureMPa);
  const cycles = q.cycle === undefined ? 0 : validateCycle(q.cycle);
  const mechState =
    q.mechanicsState ??
    advanceMechanicsCycle(
      { ...initialMechanicsState(), maxPressureMPa: pressure, cycle: cycles },
      { volumeStrainAmplitude: fullWindowStrainAmplitude(cell), stackPressureMPa: pressure, cycles },
      cell.params,
    );
  const { part, profile } = electrostaticsAt(cell, soc, temperatureK, cell.params.profilePoints);
  const mechanics = mechanicsAt(cell, soc, pressure, mechState);
  const { summary, regime } = assemble(cell, part, mechanics);
  return {
    interface: summary,
    profile,
    regime,
    mechanics,
    potentialStep: {
      ocvV: part.ocvV,
      uEqV: part.uEqV,
      totalMismatchV: part.ocvV - part.uEqV,
      seShare: part.seShare,
      potentialDropV: part.potentialDropV,
    },
    electrostatics: part,
    modelUsed: part.modelUsed,
    model: { version: MODEL_VERSION, parameterHash: cell.parameterHash },
  };
}

function evaluateExplicit(q: ExplicitPhysics, params: InterfaceModelParams): InterfaceEvaluation {
  const temperatureK = defaultTemperatureK(q.temperatureK);
  if (q.bulkActivationEnergyEv != null) requirePositive('bulkActivationEnergyEv', q.bulkActivationEnergyEv);
  const scl = solveScl({
    model: q.model,
    epsR: q.epsR,
    carrierDensityCm3: q.carrierDensityCm3,
    siteDensityCm3: q.siteDensityCm3 ?? null,
    potentialDropV: q.potentialDropV,
    temperatureK,
    bulkConductivitySPerCm: q.bulkConductivitySPerCm ?? null,
    profilePoints: params.profilePoints,
  });
  // No cell: no strain, full contact, and only the index rule is meaningful (no R_ct/R_int context).
  const regime = classifyRegime(
    {
      psi0: scl.psi0,
      volumeStrain: 0,
      contactFraction: 1,
      stackPressureMPa: params.defaultStackPressureMPa,
      sclResistanceOhmCm2: null,
      maxwellStressMPa: scl.maxwellStressMPa,
      rCt0OhmCm2: params.rCt0OhmCm2,
      rInt0OhmCm2: params.rInt0OhmCm2,
      beta: params.beta,
      pRefMPa: params.pRefMPa,
      indexFieldTerm: params.indexFieldTerm,
    },
    'index',
  );
  // The hash identifies the material/parameter set, not the operating point (Δφ, T).
  const materialUsed = {
    model: q.model,
    epsR: q.epsR,
    carrierDensityCm3: q.carrierDensityCm3,
    siteDensityCm3: q.siteDensityCm3 ?? null,
    bulkConductivitySPerCm: q.bulkConductivitySPerCm ?? null,
    bulkActivationEnergyEv: q.bulkActivationEnergyEv ?? null,
  };
  return {
    interface: {
      potentialDropV: scl.potentialDropV,
      debyeLengthNm: scl.debyeLengthNm,
      thicknessNm: scl.thicknessNm,
      peakFieldVPerM: scl.peakFieldVPerM,
      arealChargeUCPerCm2: scl.arealChargeUCPerCm2,
      capacitanceUFPerCm2: scl.capacitanceUFPerCm2,
      surfaceConcentrationRatio: scl.surfaceConcentrationRatio,
      sclResistanceOhmCm2: scl.sclResistanceOhmCm2,
      activationEnergyEv:
        q.bulkActivationEnergyEv != null ? q.bulkActivationEnergyEv + scl.activationEnergyShiftEv : null,
      contactFraction: null,
      volumeStrain: null,
      predictedInterfaceResistanceOhmCm2: null,
      depletionWidthNm: scl.depletionWidthNm,
    },
    profile: scl.profile,
    regime,
    mechanics: null,
    potentialStep: null,
    electrostatics: null,
    modelUsed: scl.modelUsed,
    model: {
      version: MODEL_VERSION,
      parameterHash: stableHash({ version: MODEL_VERSION, params, materialUsed }),
    },
  };
}

/**
 * Evaluates one interface. Throws InterfaceModelInputError (field, reason) on any invalid input.
 */
export function evaluateInterface(
  query: InterfaceQuery,
  params: Partial<InterfaceModelParams> = {},
): InterfaceEvaluation {
  if (!query || typeof query !== 'object') throw new InterfaceModelInputError('query', 'must be an object');
  if (isExplicit(query)) return evaluateExplicit(query, resolveParameters(params));
  const cell = prepareCell(
    { cathode: query.cathode, electrolyte: query.electrolyte, coating: query.coating },
    params,
  );
  return evaluateSituation(cell, query);
}
