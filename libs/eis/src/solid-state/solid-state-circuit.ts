import { EisInputError } from '../eis-input-error';
import type { FitResult } from '../fit/fit-circuit';

/**
 * Default equivalent circuit for an all-solid-state cell, high to low frequency: R0 bulk electrolyte, R1‖CPE1 grain
 * boundary, R2‖CPE2 the electrode/electrolyte interface (space-charge layer plus charge transfer), Wo1 finite
 * (reflective) diffusion in the active material. Matches docs/physics.md §1.9 with CPEs for dispersion.
 */
export const SOLID_STATE_CIRCUIT = 'R0-p(R1,CPE1)-p(R2,CPE2)-Wo1';

/** Parameter names of the interface arc in SOLID_STATE_CIRCUIT. */
export const INTERFACE_ARC = { resistance: 'R2', cpeQ: 'CPE2_0', cpeAlpha: 'CPE2_1' } as const;

export interface InterfaceArc {
  resistanceOhm: number;
  /** Area-specific resistance R·A, Ω·cm². */
  areaResistanceOhmCm2: number;
  /** Effective capacitance from the CPE by Brug's formula, F. */
  capacitanceF: number;
  /** Effective capacitance per area, µF/cm². */
  areaCapacitanceUFPerCm2: number;
  /** Characteristic frequency 1/(2π(RQ)^{1/α}), Hz. */
  apexFrequencyHz: number;
}

/**
 * Brug's effective capacitance of a CPE in parallel with R: C = (Q·R^{1−α})^{1/α} (Brug et al., J. Electroanal.
 * Chem. 176, 275 (1984), eq. 20 for the parallel case; see also Hirschorn et al., Electrochim. Acta 55, 6218 (2010)).
 */
export function brugCapacitanceF(resistanceOhm: number, cpeQ: number, cpeAlpha: number): number {
  return Math.pow(cpeQ * Math.pow(resistanceOhm, 1 - cpeAlpha), 1 / cpeAlpha);
}

/**
 * Area-normalised interface arc of a fit of SOLID_STATE_CIRCUIT (or any circuit using the same parameter names,
 * or the names given in `names`). Area in cm².
 */
export function interfaceArc(
  fit: Pick<FitResult, 'parameters'>,
  electrodeAreaCm2: number,
  names: { resistance: string; cpeQ: string; cpeAlpha: string } = INTERFACE_ARC,
): InterfaceArc {
  if (!(electrodeAreaCm2 > 0) || !Number.isFinite(electrodeAreaCm2)) {
    throw new EisInputError('electrodeAreaCm2', 'must be a finite number > 0');
  }
  const value = (name: string): number => {
    const p = fit.parameters.find((q) => q.name === name);
    if (!p) throw new EisInputError(`parameters.${name}`, 'missing from the fit');
    return p.value;
  };
  const resistanceOhm = value(names.resistance);
  const q = value(names.cpeQ);
  const alpha = value(names.cpeAlpha);
  const capacitanceF = brugCapacitanceF(resistanceOhm, q, alpha);
  return {
    resistanceOhm,
    areaResistanceOhmCm2: resistanceOhm * electrodeAreaCm2,
    capacitanceF,
    areaCapacitanceUFPerCm2: (capacitanceF * 1e6) / electrodeAreaCm2,
    apexFrequencyHz: 1 / (2 * Math.PI * Math.pow(resistanceOhm * q, 1 / alpha)),
  };
}
