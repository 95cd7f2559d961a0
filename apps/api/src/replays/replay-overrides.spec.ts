import type { CellConfig } from '@twin/contracts';
import { describe, expect, it } from 'vitest';
import { overriddenCell } from './replay-overrides';

const cell: CellConfig = {
  id: 'c1',
  name: null,
  cathode: 'NCM811',
  electrolyte: 'Li6PS5Cl',
  anode: null,
  coating: null,
  nominalCapacityAh: 0.005,
  electrodeAreaCm2: 0.785,
  stackPressureMPa: 10,
  initialSoc: 0,
  tags: [],
  modelParameters: { fSe: 0.4, kD: 0.001 },
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('overriddenCell', () => {
  it('returns the stored config itself without overrides', () => {
    expect(overriddenCell(cell, undefined)).toBe(cell);
  });

  it('applies campaign-wide, then per-cell overrides, merging model parameters key by key', () => {
    const out = overriddenCell(cell, {
      stackPressureMPa: 50,
      modelParameters: { kD: 0.002 },
      cells: { c1: { coating: { material: 'LiNbO3', thicknessNm: 10 }, stackPressureMPa: 30 } },
    });
    expect(out.stackPressureMPa).toBe(30);
    expect(out.coating).toEqual({ material: 'LiNbO3', thicknessNm: 10 });
    expect(out.modelParameters).toEqual({ fSe: 0.4, kD: 0.002 });
    expect(out.cathode).toBe('NCM811');
    expect(cell.stackPressureMPa).toBe(10);
  });

  it('ignores per-cell overrides of other cells and can remove a coating', () => {
    const coated = { ...cell, coating: { material: 'LiNbO3', thicknessNm: 5 } };
    const out = overriddenCell(coated, { coating: null, cells: { other: { stackPressureMPa: 1 } } });
    expect(out.coating).toBeNull();
    expect(out.stackPressureMPa).toBe(10);
  });
});
