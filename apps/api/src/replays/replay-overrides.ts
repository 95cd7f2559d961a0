import type { CellConfig } from '@twin/contracts';

/** What a replay may change about a cell before its model is built (docs/replay.md). */
export interface CellOverrides {
  cathode?: string;
  electrolyte?: string;
  coating?: { material: string; thicknessNm: number } | null;
  stackPressureMPa?: number;
  /** Merged key by key over the cell's own `modelParameters` (docs/model.md). */
  modelParameters?: Record<string, unknown>;
}

export interface ReplayOverrides extends CellOverrides {
  /** Per-cell overrides, applied after the campaign-wide ones. */
  cells?: Record<string, CellOverrides>;
}

function applyOne(cell: CellConfig, o: CellOverrides | undefined): CellConfig {
  if (!o) return cell;
  return {
    ...cell,
    ...(o.cathode !== undefined ? { cathode: o.cathode } : {}),
    ...(o.electrolyte !== undefined ? { electrolyte: o.electrolyte } : {}),
    ...(o.coating !== undefined ? { coating: o.coating } : {}),
    ...(o.stackPressureMPa !== undefined ? { stackPressureMPa: o.stackPressureMPa } : {}),
    ...(o.modelParameters !== undefined
      ? { modelParameters: { ...(cell.modelParameters ?? {}), ...o.modelParameters } }
      : {}),
  };
}

/**
 * The cell config a replay runs with: the stored one, then the campaign-wide overrides, then the
 * cell's own. Without overrides it is the stored config itself, so the model (and its
 * parameterHash) is exactly the live one.
 */
export function overriddenCell(cell: CellConfig, overrides: ReplayOverrides | undefined): CellConfig {
  if (!overrides) return cell;
  return applyOne(applyOne(cell, overrides), overrides.cells?.[cell.id]);
}
