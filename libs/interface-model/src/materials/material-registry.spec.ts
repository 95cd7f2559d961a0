import { describe, expect, it } from 'vitest';
import { InterfaceModelInputError } from '../errors';
import { createMaterialRegistry, getMaterial, listMaterials } from './material-registry';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InterfaceModelInputError) return e.field;
    throw e;
  }
  throw new Error('did not throw');
}

describe('material table (physics.md §2)', () => {
  it('lists the required cathodes, coatings and electrolytes with tagged values', () => {
    const ids = (kind: 'cathode' | 'coating' | 'electrolyte') => listMaterials(kind).map((m) => m.id);
    expect(ids('cathode')).toEqual(expect.arrayContaining(['LiCoO2', 'NCM811', 'NCM90']));
    expect(ids('coating')).toEqual(expect.arrayContaining(['LiNbO3', 'BaTiO3']));
    expect(ids('electrolyte')).toEqual(
      expect.arrayContaining(['Li6PS5Cl', 'Li3PS4', 'LGPS', 'Li3YCl6', 'LLZO', 'LATP', 'LAGP', 'LiPON']),
    );
    for (const m of listMaterials()) {
      expect(['R', 'C', 'M', 'D', 'P']).toContain(m.epsR.tag);
      expect(m.epsR.source.length).toBeGreaterThan(3);
      if (m.carrierDensityCm3 && m.siteDensityCm3) {
        expect(m.siteDensityCm3.value).toBeGreaterThanOrEqual(m.carrierDensityCm3.value);
      }
    }
    for (const id of ['LiCoO2', 'NCM811', 'NCM90'])
      expect(getMaterial(id).ocv?.soc.length).toBeGreaterThan(4);
    expect(getMaterial('NCM811').lattice?.volumeRatio).toContain(0.9298);
  });

  it('carries the §2 values it cites (spot checks)', () => {
    expect(getMaterial('LLZO').epsR.value).toBe(60);
    expect(getMaterial('LLZO').neutralityPotentialV?.value).toBe(1.62);
    expect(getMaterial('LiPON').neutralityPotentialV?.value).toBe(1.24);
    expect(getMaterial('LiCoO2').carrierDensityCm3?.value).toBe(2.453e22);
    expect(getMaterial('LATP').carrierDensityCm3?.value).toBe(5.37e21);
  });

  it('rejects unknown ids and wrong kinds with the field named', () => {
    expect(fieldOf(() => getMaterial('unobtainium'))).toBe('material');
    expect(fieldOf(() => getMaterial('LLZO', 'cathode'))).toBe('material');
  });
});

describe('per-cell overrides', () => {
  it('overrides one value, tags it [P] user override, keeps the rest', () => {
    const reg = createMaterialRegistry([{ id: 'Li6PS5Cl', epsR: 30, carrierDensityCm3: 1e21 }]);
    const m = reg.get('Li6PS5Cl');
    expect(m.epsR).toEqual({ value: 30, tag: 'P', source: 'user override' });
    expect(m.carrierDensityCm3?.value).toBe(1e21);
    expect(m.siteDensityCm3?.value).toBe(getMaterial('Li6PS5Cl').siteDensityCm3?.value);
    expect(getMaterial('Li6PS5Cl').epsR.value).toBe(7.2);
  });

  it('adds a new material when kind is given', () => {
    const reg = createMaterialRegistry([
      { id: 'LPSCl-eff', kind: 'electrolyte', epsR: 25, carrierDensityCm3: 1e21, siteDensityCm3: 4e21 },
    ]);
    expect(reg.get('LPSCl-eff', 'electrolyte').epsR.value).toBe(25);
    expect(reg.list('electrolyte').length).toBe(listMaterials('electrolyte').length + 1);
  });

  it('validates: εr > 0, densities > 0, site ≥ carrier, new materials need kind', () => {
    expect(fieldOf(() => createMaterialRegistry([{ id: 'LLZO', epsR: 0 }]))).toBe('materials.LLZO.epsR');
    expect(fieldOf(() => createMaterialRegistry([{ id: 'LLZO', carrierDensityCm3: -1 }]))).toBe(
      'materials.LLZO.carrierDensityCm3',
    );
    expect(fieldOf(() => createMaterialRegistry([{ id: 'LLZO', siteDensityCm3: 1e21 }]))).toBe(
      'materials.LLZO.siteDensityCm3',
    );
    expect(fieldOf(() => createMaterialRegistry([{ id: 'new', epsR: 5 }]))).toBe('materials.new.kind');
    expect(
      fieldOf(() =>
        createMaterialRegistry([{ id: 'NCM811', ocv: { soc: [0, 0.5, 0.4], voltageV: [3, 3.5, 4] } }]),
      ),
    ).toBe('materials.NCM811.ocv');
  });
});
