/**
 * Model parameters: one documented table (value, unit, tag, source), every entry overridable per cell.
 * The docs (docs/model.md) print this table; tests read the defaults from here, never from copies.
 */
import { InterfaceModelInputError, requireFinite } from './errors';
import type { MaterialOverride, SourceTag } from './materials/material.types';

export type SclModel = 'gouy-chapman' | 'lattice-gas' | 'mott-schottky';
export type RegimeRule = 'resistance' | 'index';

export interface InterfaceModelParams {
  /** U_eq, V vs Li⁺/Li. null → the electrolyte's tabulated neutrality potential, else fallbackUEqV. */
  readonly uEqV: number | null;
  readonly fallbackUEqV: number;
  /** SE-side share f_SE of the potential mismatch (uncoated). */
  readonly fSe: number;
  readonly beta: number;
  readonly sclModel: SclModel;
  readonly referenceTemperatureK: number;
  readonly rCt0OhmCm2: number;
  readonly ctActivationEnergyEv: number;
  readonly rInt0OhmCm2: number;
  readonly rElOhmCm2: number;
  readonly cDlUFPerCm2: number;
  readonly rDifOhmCm2: number;
  readonly tauDifS: number;
  readonly p0MPa: number;
  readonly fMin: number;
  readonly psMPa: number;
  readonly epsTh: number;
  readonly kD: number;
  readonly m: number;
  readonly reversibleDamageFraction: number;
  readonly kGap: number;
  readonly regimeRule: RegimeRule;
  readonly pRefMPa: number;
  readonly indexFieldTerm: boolean;
  readonly defaultStackPressureMPa: number;
  readonly profilePoints: number;
  /** Per-cell material overrides/additions (physics.md §8.4: εr and n0 must be explicit per run). */
  readonly materials: readonly MaterialOverride[];
}

export interface ParameterDoc {
  readonly unit: string;
  readonly tag: SourceTag;
  readonly source: string;
  readonly description: string;
}

export const DEFAULT_PARAMETERS: InterfaceModelParams = {
  uEqV: null,
  fallbackUEqV: 1.6,
  fSe: 0.1,
  beta: 0.3,
  sclModel: 'lattice-gas',
  referenceTemperatureK: 298.15,
  rCt0OhmCm2: 1,
  ctActivationEnergyEv: 0.4,
  rInt0OhmCm2: 8,
  rElOhmCm2: 5,
  cDlUFPerCm2: 10,
  rDifOhmCm2: 5,
  tauDifS: 10,
  p0MPa: 10,
  fMin: 0.5,
  psMPa: 20,
  epsTh: 0.02,
  kD: 0.3,
  m: 1,
  reversibleDamageFraction: 0.5,
  kGap: 40,
  regimeRule: 'resistance',
  pRefMPa: 10,
  indexFieldTerm: false,
  defaultStackPressureMPa: 10,
  profilePoints: 64,
  materials: [],
};

export const PARAMETER_DOCS: Readonly<
  Record<Exclude<keyof InterfaceModelParams, 'materials'>, ParameterDoc>
> = {
  uEqV: {
    unit: 'V vs Li⁺/Li',
    tag: 'C',
    source:
      'physics.md §1.2: Swift charge-neutrality potentials LLZO 1.62, LiPON 1.24 (low-med); null = per SE',
    description: 'cathode potential of zero SCL charge',
  },
  fallbackUEqV: {
    unit: 'V vs Li⁺/Li',
    tag: 'P',
    source:
      'physics.md §1.2: order of the Swift values, used for SEs without a tabulated value (sulfides, halides)',
    description: 'U_eq when the SE has no tabulated neutrality potential',
  },
  fSe: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §1.2: 0.05–0.2 reproduces the review’s 0.1–0.5 V drops; calibration parameter',
    description: 'SE-side share of U − U_eq',
  },
  beta: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §1.9: β ∈ [0, 1], β = 1 reproduces the Cheng ΔE_a = eΔφ; calibration parameter',
    description: 'charge-transfer barrier raise by the SCL step',
  },
  sclModel: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §1.4c recommended default',
    description: 'SCL closed form',
  },
  referenceTemperatureK: {
    unit: 'K',
    tag: 'D',
    source: 'physics.md §0',
    description: 'T_ref of all Arrhenius laws and tabulated conductivities',
  },
  rCt0OhmCm2: {
    unit: 'Ω·cm²',
    tag: 'P',
    source: 'order of R14 (7.6 Ω·cm² total, Kawasoko 2018) split with R_int0; calibrate',
    description: 'charge-transfer resistance at Δφ = 0, T_ref, full contact',
  },
  ctActivationEnergyEv: {
    unit: 'eV',
    tag: 'P',
    source: 'physics.md §1.8: between 0.315 (Cheng, no SCL) and 0.42 (Katzenmeier, review)',
    description: 'Arrhenius energy of R_ct',
  },
  rInt0OhmCm2: {
    unit: 'Ω·cm²',
    tag: 'P',
    source: 'physics.md §4.4/§5: bracketed by R14 7.6 and R15 ~50 Ω·cm²; calibrate',
    description: 'interface resistance at full contact used by ΔR_mech = R_int0(1/f_c − 1)',
  },
  rElOhmCm2: {
    unit: 'Ω·cm²',
    tag: 'P',
    source: 'placeholder for the SE separator and contacts; fit from EIS',
    description: 'series resistance R_el of §1.9',
  },
  cDlUFPerCm2: {
    unit: 'µF/cm²',
    tag: 'P',
    source: 'physics.md §1.9: interfacial capacitances 3–60 µF/cm²',
    description: 'double-layer capacitance of the charge-transfer arc',
  },
  rDifOhmCm2: {
    unit: 'Ω·cm²',
    tag: 'P',
    source: 'placeholder; fit from EIS',
    description: 'finite Warburg R_dif',
  },
  tauDifS: {
    unit: 's',
    tag: 'P',
    source: 'L²/D for ~1 µm diffusion length at D ~1e-10 cm²/s [M]',
    description: 'finite Warburg time constant',
  },
  p0MPa: {
    unit: 'MPa',
    tag: 'P',
    source: 'physics.md §4.4 default',
    description: 'contact saturation pressure P0',
  },
  fMin: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §4.4 default',
    description: 'contact fraction at zero pressure',
  },
  psMPa: {
    unit: 'MPa',
    tag: 'P',
    source: 'physics.md §4.4 default',
    description: 'damage suppression pressure P_s',
  },
  epsTh: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §4.4: NCM111’s 1.2 % is benign [R7]',
    description: 'volume-strain amplitude threshold ε_th',
  },
  kD: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §4.4: calibrated to capacity/impedance fade; calibration parameter',
    description: 'damage rate k_D per cycle',
  },
  m: { unit: '–', tag: 'P', source: 'physics.md §4.4 default', description: 'damage exponent' },
  reversibleDamageFraction: {
    unit: '–',
    tag: 'P',
    source:
      'physics.md §4.2/§4.4: Shi 2020 shows partial recovery by re-pressurising; the split is not published',
    description: 'share of each damage increment that re-pressurising above the historical maximum resets',
  },
  kGap: {
    unit: '–',
    tag: 'P',
    source:
      'this library (not in physics.md): instantaneous contact loss while the particle is shrunk, from §4.3 δr ≈ r_p|ε_V|/3; 0 switches it off',
    description: 'gap factor g = exp(−k_gap·max(0, |ε_V| − ε_th)·exp(−P/P_s))',
  },
  regimeRule: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §5: primary (resistance) rule; index rule when resistances are not calibrated',
    description: 'classifier rule',
  },
  pRefMPa: { unit: 'MPa', tag: 'P', source: 'physics.md §5 fallback rule', description: 'P_ref of I_mech' },
  indexFieldTerm: {
    unit: '–',
    tag: 'P',
    source:
      'physics.md §5 optional term; off by default because total-Li sulfide fields give p_M ~ GPa, which would always win',
    description: 'index rule uses I_es = max(|ψ0|/4, p_M/P_stack)',
  },
  defaultStackPressureMPa: {
    unit: 'MPa',
    tag: 'P',
    source: 'physics.md §4.2 (5–100 MPa typical)',
    description: 'stack pressure when a situation gives none',
  },
  profilePoints: {
    unit: '–',
    tag: 'P',
    source: 'physics.md §1.5: ~100 evaluations per call is real-time safe',
    description: 'points of the returned SCL profile',
  },
};

const SCL_MODELS: readonly SclModel[] = ['gouy-chapman', 'lattice-gas', 'mott-schottky'];

function check(field: string, ok: boolean, reason: string): void {
  if (!ok) throw new InterfaceModelInputError(`params.${field}`, reason);
}

/** Merges user parameters over the defaults and validates every value (errors name the field). */
export function resolveParameters(overrides: Partial<InterfaceModelParams> = {}): InterfaceModelParams {
  const p: InterfaceModelParams = { ...DEFAULT_PARAMETERS, ...overrides };
  for (const key of Object.keys(PARAMETER_DOCS) as (keyof typeof PARAMETER_DOCS)[]) {
    const v = p[key];
    if (key === 'uEqV' && v === null) continue;
    if (key === 'sclModel' || key === 'regimeRule') continue;
    if (key === 'indexFieldTerm') {
      check(key, typeof v === 'boolean', 'must be a boolean');
      continue;
    }
    requireFinite(`params.${key}`, v);
  }
  check('sclModel', SCL_MODELS.includes(p.sclModel), `must be one of ${SCL_MODELS.join(', ')}`);
  check(
    'regimeRule',
    p.regimeRule === 'resistance' || p.regimeRule === 'index',
    'must be resistance or index',
  );
  check('fSe', p.fSe > 0 && p.fSe <= 1, 'must be in (0, 1] (physics.md §1.2)');
  check('beta', p.beta >= 0 && p.beta <= 1, 'must be in [0, 1] (physics.md §1.9)');
  check('fMin', p.fMin > 0 && p.fMin <= 1, 'must be in (0, 1]');
  check(
    'reversibleDamageFraction',
    p.reversibleDamageFraction >= 0 && p.reversibleDamageFraction <= 1,
    'must be in [0, 1]',
  );
  for (const key of [
    'referenceTemperatureK',
    'p0MPa',
    'psMPa',
    'm',
    'tauDifS',
    'cDlUFPerCm2',
    'pRefMPa',
  ] as const) {
    check(key, p[key] > 0, 'must be > 0');
  }
  for (const key of [
    'rCt0OhmCm2',
    'rInt0OhmCm2',
    'rElOhmCm2',
    'rDifOhmCm2',
    'epsTh',
    'kD',
    'kGap',
    'ctActivationEnergyEv',
    'defaultStackPressureMPa',
  ] as const) {
    check(key, p[key] >= 0, 'must be >= 0');
  }
  check(
    'profilePoints',
    Number.isInteger(p.profilePoints) && p.profilePoints >= 0 && p.profilePoints <= 1000,
    'integer in [0, 1000]',
  );
  check('materials', Array.isArray(p.materials), 'must be an array of material overrides');
  return p;
}
