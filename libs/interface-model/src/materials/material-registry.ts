/**
 * Look-up of built-in materials plus validated per-cell overrides/additions.
 */
import { InterfaceModelInputError } from '../errors';
import { validateTable } from '../numerics/interpolate';
import { BUILT_IN_MATERIALS } from './material-table';
import type { Material, MaterialKind, MaterialOverride, Tagged } from './material.types';

export interface MaterialRegistry {
  get(id: string, expectedKind?: MaterialKind): Material;
  list(kind?: MaterialKind): Material[];
}

const USER_SOURCE = 'user override';

function userValue(value: number | undefined, previous: Tagged | null | undefined, source: string) {
  return value === undefined ? (previous ?? null) : { value, tag: 'P' as const, source };
}

function checkPositive(field: string, value: Tagged | null | undefined): void {
  if (value == null) return;
  if (!Number.isFinite(value.value) || value.value <= 0) {
    throw new InterfaceModelInputError(field, `must be a finite number > 0 (got ${value.value})`);
  }
}

/** Validates one material; errors name the field as `materials.<id>.<field>`. */
export function validateMaterial(material: Material): Material {
  const f = (name: string) => `materials.${material.id}.${name}`;
  checkPositive(f('epsR'), material.epsR);
  checkPositive(f('carrierDensityCm3'), material.carrierDensityCm3);
  checkPositive(f('siteDensityCm3'), material.siteDensityCm3);
  checkPositive(f('bulkConductivitySPerCm'), material.bulkConductivitySPerCm);
  if (material.activationEnergyEv && !(material.activationEnergyEv.value >= 0)) {
    throw new InterfaceModelInputError(f('activationEnergyEv'), 'must be >= 0');
  }
  const n0 = material.carrierDensityCm3?.value;
  const cMax = material.siteDensityCm3?.value;
  if (n0 !== undefined && cMax !== undefined && cMax < n0) {
    throw new InterfaceModelInputError(
      f('siteDensityCm3'),
      `site density ${cMax} must be >= carrier density ${n0} (site saturation, physics.md §1.4c)`,
    );
  }
  if (material.kind === 'electrolyte' && (n0 === undefined || cMax === undefined)) {
    throw new InterfaceModelInputError(
      f('carrierDensityCm3'),
      'an electrolyte needs carrier and site densities',
    );
  }
  if (material.ocv) {
    const problem = validateTable(f('ocv'), material.ocv.soc, material.ocv.voltageV);
    if (problem) throw new InterfaceModelInputError(f('ocv'), problem);
  }
  if (material.lattice) {
    const problem = validateTable(f('lattice'), material.lattice.xLi, material.lattice.volumeRatio);
    if (problem) throw new InterfaceModelInputError(f('lattice'), problem);
    if (material.lattice.volumeRatio.some((v) => v <= 0)) {
      throw new InterfaceModelInputError(f('lattice.volumeRatio'), 'must be > 0');
    }
  }
  for (const key of ['xLiAtSoc0', 'xLiAtSoc1'] as const) {
    const v = material[key]?.value;
    if (v !== undefined && !(v >= 0 && v <= 1))
      throw new InterfaceModelInputError(f(key), 'must be in [0, 1]');
  }
  return material;
}

function applyOverride(base: Material | undefined, o: MaterialOverride): Material {
  const source = o.source ?? USER_SOURCE;
  if (!base) {
    if (!o.kind) {
      throw new InterfaceModelInputError(
        `materials.${o.id}.kind`,
        'unknown material id: a new material needs kind',
      );
    }
    if (o.epsR === undefined) {
      throw new InterfaceModelInputError(`materials.${o.id}.epsR`, 'a new material needs epsR');
    }
  }
  const epsR = userValue(o.epsR, base?.epsR, source);
  return validateMaterial({
    id: o.id,
    name: o.name ?? base?.name ?? o.id,
    kind: o.kind ?? (base as Material).kind,
    epsR: epsR as Tagged,
    carrierDensityCm3: userValue(o.carrierDensityCm3, base?.carrierDensityCm3, source),
    siteDensityCm3: userValue(o.siteDensityCm3, base?.siteDensityCm3, source),
    bulkConductivitySPerCm: userValue(o.bulkConductivitySPerCm, base?.bulkConductivitySPerCm, source),
    activationEnergyEv: userValue(o.activationEnergyEv, base?.activationEnergyEv, source),
    neutralityPotentialV: userValue(o.neutralityPotentialV, base?.neutralityPotentialV, source) ?? undefined,
    ocv: o.ocv ? { ...o.ocv, tag: 'P', source } : base?.ocv,
    lattice: o.lattice ? { ...o.lattice, tag: 'P', source } : base?.lattice,
    xLiAtSoc0: userValue(o.xLiAtSoc0, base?.xLiAtSoc0, source) ?? undefined,
    xLiAtSoc1: userValue(o.xLiAtSoc1, base?.xLiAtSoc1, source) ?? undefined,
  });
}

/** Built-ins merged with per-cell overrides (later overrides of the same id win). */
export function createMaterialRegistry(overrides: readonly MaterialOverride[] = []): MaterialRegistry {
  const byId = new Map<string, Material>(BUILT_IN_MATERIALS.map((m) => [m.id, m]));
  for (const o of overrides) {
    if (!o || typeof o.id !== 'string' || o.id.length === 0) {
      throw new InterfaceModelInputError('materials.id', 'each override needs a non-empty id');
    }
    byId.set(o.id, applyOverride(byId.get(o.id), o));
  }
  return {
    get(id, expectedKind) {
      const m = byId.get(id);
      if (!m) throw new InterfaceModelInputError('material', `unknown material '${id}'`);
      if (expectedKind && m.kind !== expectedKind) {
        throw new InterfaceModelInputError('material', `'${id}' is a ${m.kind}, expected a ${expectedKind}`);
      }
      return m;
    },
    list(kind) {
      return [...byId.values()].filter((m) => !kind || m.kind === kind);
    },
  };
}

const DEFAULT_REGISTRY = createMaterialRegistry();

export function getMaterial(id: string, expectedKind?: MaterialKind): Material {
  return DEFAULT_REGISTRY.get(id, expectedKind);
}

export function listMaterials(kind?: MaterialKind): Material[] {
  return DEFAULT_REGISTRY.list(kind);
}
