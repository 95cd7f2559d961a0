/**
 * Material data model. Every value carries its physics.md §0 tag so the API and docs can show how much to trust it.
 */

/** physics.md §0: R retrieved, C code, M memory (must be checked), D derived, P proposed. */
export type SourceTag = 'R' | 'C' | 'M' | 'D' | 'P';

export interface Tagged<T = number> {
  readonly value: T;
  readonly tag: SourceTag;
  readonly source: string;
}

export type MaterialKind = 'cathode' | 'coating' | 'electrolyte';

export interface OcvCurve {
  /** Cell state of charge 0..1 of the cathode's own window. */
  readonly soc: readonly number[];
  readonly voltageV: readonly number[];
  readonly tag: SourceTag;
  readonly source: string;
}

/** Lattice volume vs Li content, physics.md §4.1. */
export interface LatticeCurve {
  readonly xLi: readonly number[];
  /** V(x)/V(x = 1). */
  readonly volumeRatio: readonly number[];
  /** c lattice parameter, Å (optional: only where it was reported). */
  readonly cAxisA?: readonly number[];
  readonly tag: SourceTag;
  readonly source: string;
}

export interface Material {
  readonly id: string;
  readonly name: string;
  readonly kind: MaterialKind;
  /** Static relative permittivity. */
  readonly epsR: Tagged;
  /** Mobile Li⁺ density n0 used by the SCL models (physics.md §2 note 1: total-Li convention by default). */
  readonly carrierDensityCm3: Tagged | null;
  /** Li site density c_max (site saturation, §1.4c); must be ≥ carrierDensityCm3. */
  readonly siteDensityCm3: Tagged | null;
  /** Ionic conductivity at 298.15 K. null for non-Li-conducting materials (BaTiO3). */
  readonly bulkConductivitySPerCm: Tagged | null;
  readonly activationEnergyEv: Tagged | null;
  /** SE's intrinsic Li level as an equivalent cathode potential U_eq (§1.2), where a value exists. */
  readonly neutralityPotentialV?: Tagged;
  readonly ocv?: OcvCurve;
  readonly lattice?: LatticeCurve;
  /** SOC → x(Li) map endpoints, physics.md §4.1: x = x(SOC=0) − SOC·(x(SOC=0) − x(SOC=1)). */
  readonly xLiAtSoc0?: Tagged;
  readonly xLiAtSoc1?: Tagged;
}

/**
 * Per-cell user data: a partial override of a listed material (plain numbers, tagged [P] "user override"),
 * or a full new material when `kind` is given and the id is unknown.
 */
export interface MaterialOverride {
  readonly id: string;
  readonly name?: string;
  readonly kind?: MaterialKind;
  readonly source?: string;
  readonly epsR?: number;
  readonly carrierDensityCm3?: number;
  readonly siteDensityCm3?: number;
  readonly bulkConductivitySPerCm?: number;
  readonly activationEnergyEv?: number;
  readonly neutralityPotentialV?: number;
  readonly ocv?: { readonly soc: readonly number[]; readonly voltageV: readonly number[] };
  readonly lattice?: {
    readonly xLi: readonly number[];
    readonly volumeRatio: readonly number[];
    readonly cAxisA?: readonly number[];
  };
  readonly xLiAtSoc0?: number;
  readonly xLiAtSoc1?: number;
}
