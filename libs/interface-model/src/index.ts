/**
 * @twin/interface-model — SOC-dependent electro-chemo-mechanical model of the cathode | solid-electrolyte interface
 * (docs/model.md; equations from physics.md). Pure TypeScript, no I/O.
 */
export {
  BOLTZMANN_J_PER_K,
  DEFAULT_TEMPERATURE_K,
  ELEMENTARY_CHARGE_C,
  MODEL_VERSION,
  VACUUM_PERMITTIVITY_F_PER_M,
  thermalVoltageV,
} from './constants';
export { InterfaceModelInputError } from './errors';
export type {
  LatticeCurve,
  Material,
  MaterialKind,
  MaterialOverride,
  OcvCurve,
  SourceTag,
  Tagged,
} from './materials/material.types';
export { BUILT_IN_MATERIALS } from './materials/material-table';
export {
  createMaterialRegistry,
  getMaterial,
  listMaterials,
  validateMaterial,
  type MaterialRegistry,
} from './materials/material-registry';
export {
  DEFAULT_PARAMETERS,
  PARAMETER_DOCS,
  resolveParameters,
  type InterfaceModelParams,
  type ParameterDoc,
  type RegimeRule,
  type SclModel,
} from './parameters';
export { coatedSeShare, openCircuitVoltageV, potentialStep, type PotentialStep } from './potential-step';
export { debyeLengthM, debyeLengthNm } from './scl/debye-length';
export { latticeGasG } from './scl/boltzmann-screening';
export { mottSchottkyResistanceIntegral, mottSchottkyWidthM } from './scl/mott-schottky';
export { maxwellStressMPa, solveScl } from './scl/solve-scl';
export type { ProfilePoint, SclInput, SclResult } from './scl/scl.types';
export {
  arrheniusResistanceFactor,
  chargeTransferResistanceOhmCm2,
  conductivityAtTemperature,
} from './temperature';
export { cAxisStrain, socToLithiumContent, volumeStrain } from './mechanics/lattice-strain';
export { damageRatePerCycle, gapContactFactor, staticContactFraction } from './mechanics/contact';
export {
  advanceMechanicsCycle,
  contactReport,
  initialMechanicsState,
  totalDamage,
  trackMechanicsSample,
  type ContactReport,
  type MechanicsState,
} from './mechanics/mechanics-state';
export { interfaceImpedance, type ImpedanceSpectrum, type InterfaceCircuit } from './impedance';
export { classifyRegime, type Regime, type RegimeInputs, type RegimeResult } from './regime';
export {
  prepareCell,
  type CellConfig,
  type CoatingSpec,
  type ElectrostaticPart,
  type InterfaceSummary,
  type MechanicsReport,
  type ModelStamp,
  type PreparedCell,
} from './cell-model';
export {
  evaluateInterface,
  type CellSituation,
  type ExplicitPhysics,
  type InterfaceEvaluation,
  type InterfaceQuery,
} from './evaluate-interface';
export { interfaceImpedanceAt } from './interface-impedance';
export {
  createInterfaceTwin,
  DEFAULT_TWIN_OPTIONS,
  type InterfaceTwin,
  type TwinCache,
  type TwinOptions,
  type TwinOutput,
  type TwinReading,
  type TwinSample,
  type TwinState,
  type TwinStepResult,
} from './interface-twin';
export {
  calibrate,
  DEFAULT_CALIBRATION_OPTIONS,
  initialCalibrationState,
  type CalibrationOptions,
  type CalibrationPrediction,
  type CalibrationResult,
  type CalibrationState,
} from './calibrate';
export { canonicalJson, stableHash } from './numerics/stable-hash';
