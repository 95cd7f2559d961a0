/**
 * Physical constants, CODATA 2018 exact/recommended values (physics.md §0: every [D] value uses these).
 */
export const ELEMENTARY_CHARGE_C = 1.602176634e-19;
export const BOLTZMANN_J_PER_K = 1.380649e-23;
export const VACUUM_PERMITTIVITY_F_PER_M = 8.8541878128e-12;

/** physics.md §0: reference temperature of every derived check value. */
export const DEFAULT_TEMPERATURE_K = 298.15;

/** Thermal voltage k_B·T/e (physics.md §0: 25.6926 mV at 298.15 K). */
export function thermalVoltageV(temperatureK: number): number {
  return (BOLTZMANN_J_PER_K * temperatureK) / ELEMENTARY_CHARGE_C;
}

export const MODEL_VERSION = '1.0.0';
