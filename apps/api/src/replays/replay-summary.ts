import type { CycleSummary } from '@twin/contracts';

/** Interface-model outputs aggregated per cycle (names and units as in `outputs.interface`). */
export const SCL_QUANTITIES = [
  'potentialDropV',
  'debyeLengthNm',
  'thicknessNm',
  'peakFieldVPerM',
  'arealChargeUCPerCm2',
  'capacitanceUFPerCm2',
  'surfaceConcentrationRatio',
  'sclResistanceOhmCm2',
  'contactFraction',
] as const;
export type SclQuantity = (typeof SCL_QUANTITIES)[number];

export interface MeanMax {
  mean: number | null;
  max: number | null;
}

/** One cell's one cycle as `GET /replays/:id/summary` reports it. */
export interface CycleAggregate {
  cycle: number;
  samples: number;
  startTs: string;
  endTs: string;
  chargeAh: number | null;
  dischargeAh: number | null;
  coulombicEfficiency: number | null;
  scl: Record<SclQuantity, MeanMax>;
  /** Share of the cycle's samples the twin classified in each regime (sums to 1 over labelled samples). */
  regimeShares: Record<string, number>;
  /** Model-predicted interface resistance over the cycle, and the last measured one if any. */
  interfaceResistanceOhmCm2: MeanMax & { last: number | null; measured: number | null };
  alerts: { opened: number; resolved: number; ruleIds: string[] };
}

export interface CellSummary {
  cellId: string;
  cycles: CycleAggregate[];
}

const N_SCL = SCL_QUANTITIES.length;
/** Slot for the predicted interface resistance after the SCL quantities. */
const R_SLOT = N_SCL;

interface Accumulator {
  cycle: number;
  samples: number;
  firstTsMs: number;
  lastTsMs: number;
  sums: Float64Array;
  maxs: Float64Array;
  counts: Float64Array;
  lastR: number | null;
  measuredR: number | null;
  regimes: Map<string, number>;
  labelled: number;
  capacity: CycleSummary | null;
  opened: number;
  resolved: number;
  ruleIds: Set<string>;
}

function newAccumulator(cycle: number, tsMs: number): Accumulator {
  return {
    cycle,
    samples: 0,
    firstTsMs: tsMs,
    lastTsMs: tsMs,
    sums: new Float64Array(N_SCL + 1),
    maxs: new Float64Array(N_SCL + 1).fill(-Infinity),
    counts: new Float64Array(N_SCL + 1),
    lastR: null,
    measuredR: null,
    regimes: new Map(),
    labelled: 0,
    capacity: null,
    opened: 0,
    resolved: 0,
    ruleIds: new Set(),
  };
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Per-cell, per-cycle aggregates of a replay, fed one twin state at a time. Means are plain sample
 * means (every sample weighs the same), matching what a reader of the sample table would compute.
 */
export class ReplaySummaryBuilder {
  private readonly byCell: Map<number, Accumulator>[];
  private readonly current: (Accumulator | null)[];

  constructor(private readonly cellIds: readonly string[]) {
    this.byCell = cellIds.map(() => new Map());
    this.current = cellIds.map(() => null);
  }

  private accumulator(cell: number, cycle: number, tsMs: number): Accumulator {
    const cur = this.current[cell];
    if (cur !== null && cur.cycle === cycle) return cur;
    let acc = this.byCell[cell].get(cycle);
    if (!acc) {
      acc = newAccumulator(cycle, tsMs);
      this.byCell[cell].set(cycle, acc);
    }
    this.current[cell] = acc;
    return acc;
  }

  addSample(cell: number, cycle: number, tsMs: number, outputs: Record<string, unknown>): void {
    const acc = this.accumulator(cell, cycle, tsMs);
    acc.samples++;
    if (tsMs < acc.firstTsMs) acc.firstTsMs = tsMs;
    if (tsMs > acc.lastTsMs) acc.lastTsMs = tsMs;
    const iface = outputs.interface as Record<string, unknown> | undefined;
    if (iface) {
      for (let k = 0; k < N_SCL; k++) this.fold(acc, k, iface[SCL_QUANTITIES[k]]);
      const r = finiteOrNull(iface.predictedInterfaceResistanceOhmCm2);
      this.fold(acc, R_SLOT, r);
      if (r !== null) acc.lastR = r;
    }
    const measured = finiteOrNull(outputs.measuredInterfaceResistanceOhmCm2);
    if (measured !== null) acc.measuredR = measured;
    const regime = outputs.regime;
    if (typeof regime === 'string') {
      acc.regimes.set(regime, (acc.regimes.get(regime) ?? 0) + 1);
      acc.labelled++;
    }
  }

  private fold(acc: Accumulator, k: number, value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    acc.sums[k] += value;
    acc.counts[k]++;
    if (value > acc.maxs[k]) acc.maxs[k] = value;
  }

  /** The twin's own capacity bookkeeping of a cycle (closed, or still open at the end). */
  setCapacity(cell: number, summary: CycleSummary): void {
    const acc = this.byCell[cell].get(summary.index);
    if (acc) acc.capacity = summary;
  }

  addAlert(cell: number, cycle: number | null, type: 'open' | 'resolve', ruleId: string, tsMs: number): void {
    const acc =
      (cycle !== null ? this.byCell[cell].get(cycle) : undefined) ??
      this.current[cell] ??
      this.accumulator(cell, cycle ?? 0, tsMs);
    if (type === 'open') acc.opened++;
    else acc.resolved++;
    acc.ruleIds.add(ruleId);
  }

  build(): CellSummary[] {
    return this.cellIds.map((cellId, cell) => ({
      cellId,
      cycles: [...this.byCell[cell].values()].sort((a, b) => a.cycle - b.cycle).map(toAggregate),
    }));
  }
}

function meanMax(acc: Accumulator, k: number): MeanMax {
  return acc.counts[k] > 0
    ? { mean: acc.sums[k] / acc.counts[k], max: acc.maxs[k] }
    : { mean: null, max: null };
}

function toAggregate(acc: Accumulator): CycleAggregate {
  const scl = {} as Record<SclQuantity, MeanMax>;
  SCL_QUANTITIES.forEach((q, k) => (scl[q] = meanMax(acc, k)));
  const regimeShares: Record<string, number> = {};
  for (const [regime, n] of [...acc.regimes].sort(([a], [b]) => a.localeCompare(b))) {
    regimeShares[regime] = n / acc.labelled;
  }
  const cap = acc.capacity;
  return {
    cycle: acc.cycle,
    samples: acc.samples,
    startTs: new Date(acc.firstTsMs).toISOString(),
    endTs: new Date(acc.lastTsMs).toISOString(),
    chargeAh: cap?.chargeAh ?? null,
    dischargeAh: cap?.dischargeAh ?? null,
    coulombicEfficiency: cap?.coulombicEfficiency ?? null,
    scl,
    regimeShares,
    interfaceResistanceOhmCm2: { ...meanMax(acc, R_SLOT), last: acc.lastR, measured: acc.measuredR },
    alerts: { opened: acc.opened, resolved: acc.resolved, ruleIds: [...acc.ruleIds].sort() },
  };
}
