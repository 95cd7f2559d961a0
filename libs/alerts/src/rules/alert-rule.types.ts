import type { DetectorConfig } from '../detectors/create-detector';
import type { DetectorKind, RegimeName, Verdict } from '../detectors/detector.types';

export type AlertSignal =
  | 'interfaceResistanceOhmCm2'
  | 'residualOhmCm2'
  | 'ohmicResistanceOhm'
  | 'pulseResistanceOhm'
  | 'contactFraction'
  | 'regime'
  | 'capacityFadePctPerCycle'
  | 'dischargeCapacityAh'
  | 'voltageV'
  | 'temperatureC';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export type AlertScope = { all: true } | { cellId: string } | { campaignId: string };

export interface AlertRule {
  id: string;
  scope: AlertScope;
  signal: AlertSignal;
  detector: DetectorConfig;
  severity: AlertSeverity;
  /** After an alert of this rule resolves on a cell, no new one opens there for this long. */
  cooldownSeconds: number;
  /** Resolve once the signal has stayed inside its band this long; null = only a person resolves it. */
  autoResolveSeconds: number | null;
  /** One line for people reading the alert list. */
  description?: string;
}

export interface CellRef {
  cellId: string;
  campaignId?: string | null;
}

export interface SignalObservation {
  signal: AlertSignal;
  /** Numeric except for the `regime` signal, which carries the regime label. */
  value: number | string;
  stdErr?: number | null;
  tsMs: number;
  cycle: number | null;
  soc: number | null;
  regime: RegimeName | null;
}

export interface AlertEvent {
  type: 'open' | 'resolve';
  ruleId: string;
  cellId: string;
  signal: AlertSignal;
  detector: DetectorKind;
  severity: AlertSeverity;
  /** The value that opened or resolved the alert; null for a resolve by hand. */
  value: number | string | null;
  baseline: number | string | null;
  cycle: number | null;
  soc: number | null;
  regime: RegimeName | null;
  tsMs: number;
  /** When the alert a `resolve` closes was opened. */
  openedAtMs: number;
  /** 'auto' when the signal held inside its band, 'manual' when a person closed it. */
  resolvedBy?: 'auto' | 'manual';
  detail: string;
}

export interface RuleVerdict {
  ruleId: string;
  verdict: Verdict;
}
