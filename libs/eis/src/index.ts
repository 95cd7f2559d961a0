export { EisInputError } from './eis-input-error';
export { checkSpectrum, type CheckedSpectrum, type Spectrum } from './spectrum';
export { ELEMENT_DEFINITIONS, type ElementDefinition, type ElementType } from './circuit/element-types';
export {
  parseCircuit,
  type CircuitNode,
  type ElementNode,
  type ParallelNode,
  type ParsedCircuit,
  type SeriesNode,
} from './circuit/parse-circuit';
export { circuitImpedance, compileCircuit, type CircuitEvaluator } from './circuit/compile-circuit';
export { fitCircuit, type FitOptions, type FitParameter, type FitResult } from './fit/fit-circuit';
export type { Weighting } from './fit/weighting';
export type { JacobianMode } from './fit/circuit-problem';
export { linKk, type LinKkOptions, type LinKkResult } from './validation/lin-kk';
export { computeDrt, findDrtPeaks, type DrtOptions, type DrtPeak, type DrtResult } from './drt/drt';
export {
  brugCapacitanceF,
  interfaceArc,
  INTERFACE_ARC,
  SOLID_STATE_CIRCUIT,
  type InterfaceArc,
} from './solid-state/solid-state-circuit';
export { gaussian, mulberry32 } from './synthetic/mulberry32';
export { logSpacedFrequenciesHz, synthesizeSpectrum } from './synthetic/synthetic-spectrum';
export { readBioLogicSpectrum } from './readers/biologic-reader';
export { readCsvSpectrum } from './readers/csv-reader';
export { readGamrySpectrum } from './readers/gamry-reader';
export { readZPlotSpectrum } from './readers/zplot-reader';
export type { SpectrumArrays } from './readers/reader-types';
