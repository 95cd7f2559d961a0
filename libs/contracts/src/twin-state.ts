/** The live state of one cell's twin, as pushed on `/live` (`twin` event) and returned as `state`. */
export interface TwinStatePayload {
  cellId: string;
  seq: number;
  ts: string;
  soc: number;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
  cycle: number;
  /** Model outputs plugged in by the interface model (issue #4); absent keys mean "not modelled". */
  [modelOutput: string]: unknown;
}

export interface CycleSummary {
  index: number;
  startTs: string;
  endTs: string;
  samples: number;
  chargeAh: number;
  dischargeAh: number;
  coulombicEfficiency: number | null;
  chargeEnergyWh: number;
  dischargeEnergyWh: number;
  meanChargeVoltageV: number | null;
  meanDischargeVoltageV: number | null;
  temperatureMinC: number | null;
  temperatureMaxC: number | null;
}
