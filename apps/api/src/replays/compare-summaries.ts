import type { CellSummary, CycleAggregate } from './replay-summary';

export interface ReplaySide {
  replayId: string;
  state: string;
  overrides: unknown;
  cells: number;
  cycles: number;
  samples: number;
  /** Mean over every cell's cycles that discharged. */
  meanDischargeAh: number | null;
  meanInterfaceResistanceOhmCm2: number | null;
  maxPeakFieldVPerM: number | null;
  regimeShares: Record<string, number>;
  alertsOpened: number;
}

export interface CycleComparison {
  cycle: number;
  a: CycleAggregate | null;
  b: CycleAggregate | null;
  /** b − a of the headline numbers, null where either side lacks the value. */
  delta: {
    dischargeAh: number | null;
    meanInterfaceResistanceOhmCm2: number | null;
    meanPotentialDropV: number | null;
    meanThicknessNm: number | null;
  };
}

function diff(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null ? null : b - a;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Headline numbers of one replay, for the side-by-side table. */
export function replaySide(
  replayId: string,
  state: string,
  overrides: unknown,
  cells: CellSummary[],
): ReplaySide {
  const all = cells.flatMap((c) => c.cycles);
  const samples = all.reduce((s, c) => s + c.samples, 0);
  const regimeCounts: Record<string, number> = {};
  let labelled = 0;
  for (const c of all) {
    for (const [regime, share] of Object.entries(c.regimeShares)) {
      regimeCounts[regime] = (regimeCounts[regime] ?? 0) + share * c.samples;
    }
    if (Object.keys(c.regimeShares).length > 0) labelled += c.samples;
  }
  const regimeShares: Record<string, number> = {};
  for (const regime of Object.keys(regimeCounts).sort())
    regimeShares[regime] = regimeCounts[regime] / labelled;
  // Sample-weighted, like a per-sample mean over the whole replay.
  const weighted = all.filter((c) => c.interfaceResistanceOhmCm2.mean !== null);
  const weight = weighted.reduce((s, c) => s + c.samples, 0);
  const peaks = all.map((c) => c.scl.peakFieldVPerM.max).filter((v): v is number => v !== null);
  return {
    replayId,
    state,
    overrides: overrides ?? null,
    cells: cells.length,
    cycles: all.length,
    samples,
    meanDischargeAh: mean(all.map((c) => c.dischargeAh).filter((v): v is number => v !== null && v > 0)),
    meanInterfaceResistanceOhmCm2:
      weight > 0
        ? weighted.reduce((s, c) => s + c.interfaceResistanceOhmCm2.mean! * c.samples, 0) / weight
        : null,
    maxPeakFieldVPerM: peaks.length > 0 ? Math.max(...peaks) : null,
    regimeShares,
    alertsOpened: all.reduce((s, c) => s + c.alerts.opened, 0),
  };
}

/** Cycle-by-cycle pairs per cell present in either replay. */
export function compareCells(
  a: CellSummary[],
  b: CellSummary[],
): { cellId: string; cycles: CycleComparison[] }[] {
  const cellIds = [...new Set([...a.map((c) => c.cellId), ...b.map((c) => c.cellId)])].sort();
  return cellIds.map((cellId) => {
    const ca = new Map((a.find((c) => c.cellId === cellId)?.cycles ?? []).map((c) => [c.cycle, c]));
    const cb = new Map((b.find((c) => c.cellId === cellId)?.cycles ?? []).map((c) => [c.cycle, c]));
    const indexes = [...new Set([...ca.keys(), ...cb.keys()])].sort((x, y) => x - y);
    return {
      cellId,
      cycles: indexes.map((cycle) => {
        const x = ca.get(cycle) ?? null;
        const y = cb.get(cycle) ?? null;
        return {
          cycle,
          a: x,
          b: y,
          delta: {
            dischargeAh: diff(x?.dischargeAh, y?.dischargeAh),
            meanInterfaceResistanceOhmCm2: diff(
              x?.interfaceResistanceOhmCm2.mean,
              y?.interfaceResistanceOhmCm2.mean,
            ),
            meanPotentialDropV: diff(x?.scl.potentialDropV.mean, y?.scl.potentialDropV.mean),
            meanThicknessNm: diff(x?.scl.thicknessNm.mean, y?.scl.thicknessNm.mean),
          },
        };
      }),
    };
  });
}
