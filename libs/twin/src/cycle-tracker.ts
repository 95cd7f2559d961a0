import type { CycleSummary, SamplePoint } from '@twin/contracts';
import { trapezoidChargeAh, trapezoidEnergyWh } from './coulomb-counting';

/** Running sums of one cycle; plain numbers so the whole tracker checkpoints as JSON. */
export interface CycleAccumulator {
  index: number;
  startTsMs: number;
  endTsMs: number;
  samples: number;
  chargeAh: number;
  dischargeAh: number;
  chargeEnergyWh: number;
  dischargeEnergyWh: number;
  chargeVoltageHours: number;
  chargeHours: number;
  dischargeVoltageHours: number;
  dischargeHours: number;
  temperatureMinC: number | null;
  temperatureMaxC: number | null;
}

export interface CycleTrackerState {
  /** 'column' when the rig reports `cycle`; 'reversal' when cycles are detected from current sign changes. */
  source: 'column' | 'reversal' | null;
  /** Whether the current (detected) cycle has seen discharge yet: the next charge then opens a new cycle. */
  sawDischarge: boolean;
  open: CycleAccumulator | null;
}

export function initialCycleTracker(): CycleTrackerState {
  return { source: null, sawDischarge: false, open: null };
}

function newAccumulator(index: number, tsMs: number): CycleAccumulator {
  return {
    index,
    startTsMs: tsMs,
    endTsMs: tsMs,
    samples: 0,
    chargeAh: 0,
    dischargeAh: 0,
    chargeEnergyWh: 0,
    dischargeEnergyWh: 0,
    chargeVoltageHours: 0,
    chargeHours: 0,
    dischargeVoltageHours: 0,
    dischargeHours: 0,
    temperatureMinC: null,
    temperatureMaxC: null,
  };
}

export function summarizeCycle(acc: CycleAccumulator): CycleSummary {
  return {
    index: acc.index,
    startTs: new Date(acc.startTsMs).toISOString(),
    endTs: new Date(acc.endTsMs).toISOString(),
    samples: acc.samples,
    chargeAh: acc.chargeAh,
    dischargeAh: acc.dischargeAh,
    coulombicEfficiency: acc.chargeAh > 0 ? acc.dischargeAh / acc.chargeAh : null,
    chargeEnergyWh: acc.chargeEnergyWh,
    dischargeEnergyWh: acc.dischargeEnergyWh,
    meanChargeVoltageV: acc.chargeHours > 0 ? acc.chargeVoltageHours / acc.chargeHours : null,
    meanDischargeVoltageV: acc.dischargeHours > 0 ? acc.dischargeVoltageHours / acc.dischargeHours : null,
    temperatureMinC: acc.temperatureMinC,
    temperatureMaxC: acc.temperatureMaxC,
  };
}

/**
 * Advances the per-cycle bookkeeping by one sample. The interval from the previous sample to this
 * one is booked to the cycle the previous sample belonged to (a rig's cycle label describes what
 * happens from that point on). Returns the cycle that closed, if this sample opened a new one.
 */
export function trackCycle(
  tracker: CycleTrackerState,
  prev: SamplePoint | null,
  sample: SamplePoint,
  restCurrentA: number,
): { tracker: CycleTrackerState; closed: CycleAccumulator | null } {
  // Updated in place: this runs for every sample and copies cost more than the arithmetic. The
  // caller owns the tracker (it lives inside one cell's twin state).
  const source = tracker.source ?? (sample.cycle != null ? 'column' : 'reversal');
  let open = tracker.open;
  let sawDischarge = tracker.sawDischarge;

  if (open && prev) {
    const dtMs = sample.tsMs - prev.tsMs;
    const q = trapezoidChargeAh(prev.currentA, sample.currentA, dtMs);
    const e = trapezoidEnergyWh(prev.voltageV, prev.currentA, sample.voltageV, sample.currentA, dtMs);
    const hours = dtMs > 0 ? dtMs / 3_600_000 : 0;
    const meanV = (prev.voltageV + sample.voltageV) / 2;
    if (q > 0) {
      open.chargeAh += q;
      open.chargeEnergyWh += e;
      open.chargeHours += hours;
      open.chargeVoltageHours += meanV * hours;
    } else if (q < 0) {
      open.dischargeAh -= q;
      open.dischargeEnergyWh -= e;
      open.dischargeHours += hours;
      open.dischargeVoltageHours += meanV * hours;
    }
    open.endTsMs = Math.max(open.endTsMs, sample.tsMs);
  }

  let nextIndex: number;
  if (source === 'column' && sample.cycle != null) {
    nextIndex = sample.cycle;
  } else {
    const current = open?.index ?? 1;
    if (sample.currentA < -restCurrentA) sawDischarge = true;
    if (sample.currentA > restCurrentA && sawDischarge && open) {
      nextIndex = current + 1;
      sawDischarge = false;
    } else {
      nextIndex = current;
    }
  }

  let closed: CycleAccumulator | null = null;
  if (!open || open.index !== nextIndex) {
    closed = open;
    open = newAccumulator(nextIndex, sample.tsMs);
  }
  open.samples += 1;
  open.endTsMs = Math.max(open.endTsMs, sample.tsMs);
  if (sample.temperatureC != null) {
    open.temperatureMinC =
      open.temperatureMinC == null
        ? sample.temperatureC
        : Math.min(open.temperatureMinC, sample.temperatureC);
    open.temperatureMaxC =
      open.temperatureMaxC == null
        ? sample.temperatureC
        : Math.max(open.temperatureMaxC, sample.temperatureC);
  }
  tracker.source = source;
  tracker.sawDischarge = sawDischarge;
  tracker.open = open;
  return { tracker, closed };
}
