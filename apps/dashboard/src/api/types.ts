/**
 * Response shapes of the public API (`/api/v1`), as the dashboard reads them: the contracts' types
 * (type-only imports, nothing reaches the bundle) with the model outputs the views read spelled out.
 */
import type { AlertView, CellConfig, TwinStatePayload } from '@twin/contracts';
import type { Regime } from '../ui/palette';

export interface InterfaceOutputs {
  potentialDropV?: number;
  debyeLengthNm?: number;
  thicknessNm?: number;
  peakFieldVPerM?: number;
  arealChargeUCPerCm2?: number;
  capacitanceUFPerCm2?: number;
  surfaceConcentrationRatio?: number;
  sclResistanceOhmCm2?: number;
  activationEnergyEv?: number;
  contactFraction?: number;
  volumeStrain?: number;
  predictedInterfaceResistanceOhmCm2?: number;
  depletionWidthNm?: number;
}

export interface TwinState extends TwinStatePayload {
  interface?: InterfaceOutputs;
  regime?: Regime | string;
  model?: { version?: string; parameterHash?: string };
  residualOhmCm2?: number;
  measuredInterfaceResistanceOhmCm2?: number;
  replayId?: string;
}

export interface Cell extends CellConfig {
  state: TwinState | null;
}

export interface Sample {
  seq: number;
  ts: string;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
  cycle: number | null;
  step: number | null;
}

export interface MinAvgMax {
  min: number;
  avg: number;
  max: number;
}

export interface SeriesBucket {
  ts: string;
  n: number;
  voltageV: MinAvgMax;
  currentA: MinAvgMax;
  temperatureC: MinAvgMax | null;
}

export interface Alert extends AlertView {
  /** Set on alerts of a replay, which go to its room. */
  replayId?: string;
}

export interface Campaign {
  id: string;
  name: string;
  description?: string | null;
  cellIds: string[];
  tags?: string[];
}

export interface SpectrumPoint {
  fHz: number;
  zRealOhm: number;
  zImagOhm: number;
}

export interface Spectrum {
  id: string;
  cellId?: string;
  ts: string;
  soc?: number | null;
  temperatureC?: number | null;
  cycle?: number | null;
  points: SpectrumPoint[];
  valid?: boolean;
  fit?: {
    circuit: string;
    parameters: { name: string; value: number; stdErr?: number | null }[];
    rmsRelErrorPct?: number;
  } | null;
  linKK?: { residualRealPct?: number[]; residualImagPct?: number[] } | null;
}

export interface FitPoint {
  ts: string;
  cycle: number | null;
  soc: number | null;
  value: number;
  stdErr?: number | null;
}

export interface ReplayProgress {
  fraction: number;
  simulatedTs: string | null;
  samplesPerSec: number | null;
  etaSeconds?: number | null;
  replayId?: string;
}

export interface Replay {
  id: string;
  state: string;
  progress: ReplayProgress;
}

export interface ProfilePoint {
  xNm: number;
  potentialV: number;
  concentrationRatio: number;
}

export interface InterfaceModelResult {
  interface: InterfaceOutputs;
  profile: ProfilePoint[];
  regime: Regime | string;
  mechanics?: Record<string, unknown>;
  model?: { version?: string; parameterHash?: string };
}

export interface InterfaceModelRequest {
  cathode: string;
  electrolyte: string;
  coating?: { material: string; thicknessNm: number };
  soc: number;
  temperatureK?: number;
  stackPressureMPa?: number;
  cycle?: number;
}

export interface Material {
  id: string;
  kind?: 'cathode' | 'electrolyte' | 'coating' | string;
  name?: string;
}
