import { AlertConfigError, requireFinite, requireNonNegative } from '../alert-config.error';

/** Boltzmann constant in eV/K (CODATA 2018, exact). */
export const BOLTZMANN_EV_PER_K = 8.617333262e-5;
const ZERO_CELSIUS_K = 273.15;

export interface NormalisationOptions {
  /** Activation energy of the resistance, eV (from the interface model, docs/physics.md §1.8). */
  activationEnergyEv: number;
  /** Reference temperature, °C; 25 °C by default. */
  referenceTemperatureC?: number;
  /**
   * Optional SOC shape of the resistance at fixed temperature: R(soc)/R(soc_ref). The value is divided by
   * it, mapping a reading taken at any SOC to the reference SOC (for the SCL, ∝ e^{ψ0}/(2ψ0), §1.7).
   */
  socShape?: (soc: number) => number;
}

export interface ResistanceReading {
  resistance: number;
  temperatureC: number;
  soc?: number | null;
}

/**
 * Resistance at the reference temperature (and SOC) from one taken at T (and SOC), by the Arrhenius law
 * of docs/physics.md §1.8, R(T) = R(T_ref)·exp[(Ea/kB)(1/T − 1/T_ref)], solved for R(T_ref):
 *   R_ref = R·exp[(Ea/kB)(1/T_ref − 1/T)].
 * Without this a cell warming by a few kelvin reads as an interface improving, and a cold night as
 * degradation. Unit of the result = unit of the input.
 */
export function normaliseResistance(reading: ResistanceReading, options: NormalisationOptions): number {
  const ea = requireNonNegative('activationEnergyEv', options.activationEnergyEv);
  const tK = requireFinite('temperatureC', reading.temperatureC) + ZERO_CELSIUS_K;
  const tRefK = (options.referenceTemperatureC ?? 25) + ZERO_CELSIUS_K;
  if (!(tK > 0 && tRefK > 0))
    throw new AlertConfigError('ALERT_INVALID_PARAMS', 'temperatures must be above 0 K');
  let value = reading.resistance * Math.exp((ea / BOLTZMANN_EV_PER_K) * (1 / tRefK - 1 / tK));
  if (options.socShape !== undefined) {
    if (reading.soc === null || reading.soc === undefined) {
      throw new AlertConfigError('ALERT_INVALID_OBSERVATION', 'an SOC correction needs the reading’s soc');
    }
    const shape = options.socShape(reading.soc);
    if (!(Number.isFinite(shape) && shape > 0)) {
      throw new AlertConfigError(
        'ALERT_INVALID_PARAMS',
        `socShape(${reading.soc}) must be a positive number`,
      );
    }
    value /= shape;
  }
  return value;
}
