/**
 * Lattice strain of the cathode vs Li content (physics.md §4.1 [P]: "Li content first, voltage second").
 */
import type { Material } from '../materials/material.types';
import { createTable, interpolate, type Table1D } from '../numerics/interpolate';

interface LatticeTables {
  readonly volume: Table1D;
  readonly cAxis: Table1D | null;
  readonly cAtFullLithiationA: number | null;
}

const tableCache = new WeakMap<Material, LatticeTables>();

function latticeTables(cathode: Material): LatticeTables | null {
  if (!cathode.lattice) return null;
  let tables = tableCache.get(cathode);
  if (!tables) {
    const { xLi, volumeRatio, cAxisA } = cathode.lattice;
    // §4.1 prescribes piecewise-linear tables: no overshoot between the few measured points.
    const cAxis = cAxisA ? createTable(xLi, cAxisA, 'linear') : null;
    tables = {
      volume: createTable(xLi, volumeRatio, 'linear'),
      cAxis,
      cAtFullLithiationA: cAxis ? interpolate(cAxis, 1) : null,
    };
    tableCache.set(cathode, tables);
  }
  return tables;
}

/** §4.1: x = x(SOC=0) − SOC·(x(SOC=0) − x(SOC=1)); without a tabulated range x = 1 − SOC. */
export function socToLithiumContent(cathode: Material, soc: number): number {
  const xMax = cathode.xLiAtSoc0?.value ?? 1;
  const xMin = cathode.xLiAtSoc1?.value ?? 0;
  return xMax - soc * (xMax - xMin);
}

/** ε_V = V(x)/V(1) − 1 (§1.12); 0 for cathodes without a lattice table (LCO is not tabulated here). */
export function volumeStrain(cathode: Material, xLi: number): number {
  const tables = latticeTables(cathode);
  return tables ? interpolate(tables.volume, xLi) - 1 : 0;
}

/** ε_c = Δc/c(x=1) (§4.3, D17); null where c was not tabulated. */
export function cAxisStrain(cathode: Material, xLi: number): number | null {
  const tables = latticeTables(cathode);
  if (!tables?.cAxis || tables.cAtFullLithiationA === null) return null;
  return interpolate(tables.cAxis, xLi) / tables.cAtFullLithiationA - 1;
}
