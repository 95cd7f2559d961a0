import type { SclModel } from '../parameters';

export interface SclInput {
  readonly model: SclModel;
  readonly epsR: number;
  /** n0 (for lattice gas n0 = θ0·c_max, physics.md §1.1). */
  readonly carrierDensityCm3: number;
  /** c_max; required for lattice-gas, optional otherwise. */
  readonly siteDensityCm3?: number | null;
  /** Δφ = φ(0) − φ(∞) on the SE side; > 0 means Li⁺ depleted (physics.md §1.1). */
  readonly potentialDropV: number;
  readonly temperatureK: number;
  /** σ_bulk at temperatureK; null → no resistance. */
  readonly bulkConductivitySPerCm?: number | null;
  /** Profile points (0 skips the profile: the twin's hot path). */
  readonly profilePoints?: number;
}

export interface ProfilePoint {
  readonly xNm: number;
  readonly potentialV: number;
  /** c(x)/n0. */
  readonly concentrationRatio: number;
}

export interface SclResult {
  readonly model: SclModel;
  /** Model actually evaluated: Mott–Schottky falls back outside depletion (ψ0 < 1), see solve-scl.ts. */
  readonly modelUsed: SclModel;
  readonly potentialDropV: number;
  readonly psi0: number;
  /** One carrier, no factor 2 (physics.md §1.3). */
  readonly debyeLengthNm: number;
  /** |σ| on the SE side. */
  readonly arealChargeUCPerCm2: number;
  /** |E(0)| = σ/ε. */
  readonly peakFieldVPerM: number;
  /** Differential C_d = |ρ(0)|/E0. */
  readonly capacitanceUFPerCm2: number;
  /** Capacitor-equivalent d_C = ε|Δφ|/σ (physics.md §1.5 definition 2). */
  readonly thicknessNm: number;
  /** MS w = sqrt(2εΔφ/(e n0)), no kT correction; null unless Δφ > 0. */
  readonly depletionWidthNm: number | null;
  readonly surfaceConcentrationRatio: number;
  /** ∫(n0/c − 1)dx over the SE side: R_SCL·σ_bulk, temperature-rescalable. */
  readonly resistanceLengthNm: number;
  readonly sclResistanceOhmCm2: number | null;
  /** E_a,SCL − E_a,bulk from d ln R_SCL/d(1/T) at fixed Δφ (physics.md §1.8). */
  readonly activationEnergyShiftEv: number;
  /** d ln R_SCL / d ln ψ0 at fixed T (calibration sensitivity). */
  readonly resistanceLogSensitivity: number;
  /** ½εE0² (physics.md §1.10). */
  readonly maxwellStressMPa: number;
  readonly profile: readonly ProfilePoint[];
}

/** Dimensionless core result shared by the closed forms; solve-scl.ts converts to reported units. */
export interface SclCore {
  readonly modelUsed: SclModel;
  readonly arealChargeCPerM2: number;
  readonly capacitanceFPerM2: number;
  readonly thicknessM: number;
  readonly surfaceConcentrationRatio: number;
  readonly resistanceLengthM: number;
  /** (E_a,SCL − E_a,bulk)/(k_BT). */
  readonly activationShiftOverKT: number;
  readonly resistanceLogSensitivity: number;
  readonly profile: readonly ProfilePoint[];
}
