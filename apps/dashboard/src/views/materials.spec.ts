import { describe, expect, it } from 'vitest';
import { groupMaterials } from './materials';

describe('groupMaterials', () => {
  it('groups the documented shape by kind, sorted', () => {
    expect(
      groupMaterials({
        materials: [
          { id: 'NCM811', kind: 'cathode' },
          { id: 'LCO', kind: 'cathode' },
          { id: 'Li6PS5Cl', kind: 'electrolyte' },
          { id: 'LiNbO3', kind: 'coating' },
        ],
      }),
    ).toEqual({ cathode: ['LCO', 'NCM811'], electrolyte: ['Li6PS5Cl'], coating: ['LiNbO3'] });
  });

  it('accepts a bare array and puts kind-less entries everywhere, skipping junk', () => {
    expect(
      groupMaterials([{ id: 'X' }, null, { kind: 'cathode' }, { id: 'Y', kind: 'electrolyte' }]),
    ).toEqual({
      cathode: ['X'],
      electrolyte: ['X', 'Y'],
      coating: ['X'],
    });
    expect(groupMaterials(null)).toEqual({ cathode: [], electrolyte: [], coating: [] });
  });
});
