import type { RegimeName } from '../detectors/detector.types';
import type { AlertSignal, SignalObservation } from '../rules/alert-rule.types';
import { seededNoise } from './seeded-noise';

export const CYCLE_MS = 6 * 3600 * 1000;
export const START_MS = Date.UTC(2025, 0, 6);

/** Clean value of a numeric signal at a cycle, before noise; a scenario overrides it to inject a fault. */
export type SignalProfile = (signal: AlertSignal, cycle: number, clean: number) => number;

export interface SyntheticCellOptions {
  cycles: number;
  seed: number;
  profile?: SignalProfile;
  regimeAt?: (cycle: number) => RegimeName;
}

/** Nominal level and 1σ noise per numeric signal of a healthy NCM | argyrodite cell (illustrative). */
export const HEALTHY: Record<
  Exclude<AlertSignal, 'regime' | 'capacityFadePctPerCycle' | 'pulseResistanceOhm'>,
  { level: number; sigma: number }
> = {
  interfaceResistanceOhmCm2: { level: 20, sigma: 0.4 },
  residualOhmCm2: { level: 0, sigma: 0.1 },
  ohmicResistanceOhm: { level: 5, sigma: 0.025 },
  contactFraction: { level: 0.97, sigma: 0.003 },
  dischargeCapacityAh: { level: 0.005, sigma: 0.000015 },
  voltageV: { level: 4.25, sigma: 0.005 },
  temperatureC: { level: 25, sigma: 0.3 },
};

/**
 * A cell's observation stream, cycle by cycle: one EIS-derived value per cycle for the resistances and
 * contact, the regime label, the discharge capacity (slow healthy fade 0.02 %/cycle), top and bottom
 * voltage, and four temperature readings per cycle.
 */
export function syntheticCellObservations(options: SyntheticCellOptions): SignalObservation[] {
  const noise = seededNoise(options.seed);
  const profile: SignalProfile = options.profile ?? ((_s, _c, clean) => clean);
  const out: SignalObservation[] = [];
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const t0 = START_MS + cycle * CYCLE_MS;
    const regime = options.regimeAt?.(cycle) ?? 'electrostatic';
    const push = (signal: AlertSignal, offsetMs: number, value: number | string, stdErr?: number) =>
      out.push({ signal, value, stdErr, tsMs: t0 + offsetMs, cycle, soc: 0.5, regime });
    const noisy = (signal: keyof typeof HEALTHY, clean: number) =>
      profile(signal, cycle, clean) + HEALTHY[signal].sigma * noise.gaussian();

    for (let k = 0; k < 4; k++) push('temperatureC', k * (CYCLE_MS / 4), noisy('temperatureC', 25));
    push('voltageV', CYCLE_MS * 0.45, noisy('voltageV', 4.25));
    push('interfaceResistanceOhmCm2', CYCLE_MS * 0.5, noisy('interfaceResistanceOhmCm2', 20), 0.2);
    push('residualOhmCm2', CYCLE_MS * 0.5, noisy('residualOhmCm2', 0));
    push('ohmicResistanceOhm', CYCLE_MS * 0.5, noisy('ohmicResistanceOhm', 5));
    push('contactFraction', CYCLE_MS * 0.5, noisy('contactFraction', 0.97));
    push('regime', CYCLE_MS * 0.5, regime);
    push('voltageV', CYCLE_MS * 0.95, noisy('voltageV', 2.55));
    push('dischargeCapacityAh', CYCLE_MS * 0.99, noisy('dischargeCapacityAh', 0.005 * (1 - 0.0002 * cycle)));
  }
  return out;
}
