import { mulberry32 } from './simulated-cell';

/** Drift scenarios for the alerting tests and demos (issue #7); `stable` is the healthy control. */
export type ScenarioKind =
  'stable' | 'interface-rise' | 'contact-loss' | 'ohmic-jump' | 'temperature-excursion';

export const SCENARIO_KINDS: readonly ScenarioKind[] = [
  'stable',
  'interface-rise',
  'contact-loss',
  'ohmic-jump',
  'temperature-excursion',
];

export interface ScenarioOptions {
  cycles: number;
  /** Samples per cycle, ≥ 24: rest, charge pulse, rest, discharge pulse in the ratio 1 : 2 : 1 : 2. */
  samplesPerCycle?: number;
  /** First cycle (1-based) that carries the fault. */
  onsetCycle?: number;
  seed?: number;
  startTsMs?: number;
  sampleIntervalMs?: number;
  capacityAh?: number;
  /** Pulse current in C (of the remaining capacity, so a faded cell passes less charge per cycle). */
  pulseCRate?: number;
  ohmicResistanceOhm?: number;
  interfaceResistanceOhm?: number;
  /** Time constant of the interface RC element, s: the interface part of ΔV/ΔI builds up over it. */
  interfaceTauSeconds?: number;
  /** Arrhenius activation energy of both resistances, eV (docs/physics.md §1.8). */
  activationEnergyEv?: number;
  temperatureC?: number;
  /** Gaussian voltage noise, V (1σ). */
  noiseV?: number;
  initialSoc?: number;
  /** interface-rise: relative growth per cycle after the onset (0.01 = +1 %/cycle). */
  interfaceRisePerCycle?: number;
  /** contact-loss: interface growth and capacity loss per cycle after the onset. */
  contactResistanceRisePerCycle?: number;
  contactCapacityLossPerCycle?: number;
  /** ohmic-jump: relative step of the ohmic resistance at the onset. */
  ohmicJump?: number;
  /** temperature-excursion: temperature and length of the excursion. */
  excursionTemperatureC?: number;
  excursionCycles?: number;
}

export interface ScenarioSample {
  seq: number;
  tsMs: number;
  voltageV: number;
  currentA: number;
  temperatureC: number;
  cycle: number;
  step: number;
}

/** The clean truth of one cycle, for tests that compare what the service extracted with what was simulated. */
export interface ScenarioCycleTruth {
  ohmicResistanceOhm: number;
  interfaceResistanceOhm: number;
  capacityAh: number;
  temperatureC: number;
}

const DEFAULTS = {
  samplesPerCycle: 60,
  onsetCycle: 100,
  seed: 1,
  startTsMs: Date.UTC(2026, 0, 1),
  sampleIntervalMs: 1000,
  capacityAh: 0.005,
  pulseCRate: 1,
  ohmicResistanceOhm: 8,
  interfaceResistanceOhm: 12,
  interfaceTauSeconds: 1,
  activationEnergyEv: 0.35,
  temperatureC: 25,
  noiseV: 0.0005,
  initialSoc: 0.5,
  interfaceRisePerCycle: 0.01,
  contactResistanceRisePerCycle: 0.015,
  contactCapacityLossPerCycle: 0.01,
  ohmicJump: 0.15,
  excursionTemperatureC: 68,
  excursionCycles: 3,
} satisfies Required<Omit<ScenarioOptions, 'cycles'>>;

type ResolvedOptions = Required<ScenarioOptions>;

/** Boltzmann constant, eV/K (CODATA 2018). */
const BOLTZMANN_EV_PER_K = 8.617333262e-5;
const ZERO_CELSIUS_K = 273.15;
const REFERENCE_TEMPERATURE_C = 25;

/** A gently sloping OCV of NCM vs Li around mid SOC; the pulses move SOC by well under 1 %. */
function ocvV(soc: number): number {
  return 3.55 + 0.5 * soc;
}

function resolve(options: ScenarioOptions): ResolvedOptions {
  const o = { ...DEFAULTS, ...options } as ResolvedOptions;
  if (!(Number.isInteger(o.cycles) && o.cycles > 0)) throw new Error('cycles must be a positive integer');
  if (!(Number.isInteger(o.samplesPerCycle) && o.samplesPerCycle >= 24)) {
    throw new Error('samplesPerCycle must be an integer ≥ 24');
  }
  return o;
}

/** Arrhenius factor R(T)/R(T_ref) = exp[(Ea/kB)(1/T − 1/T_ref)] (docs/physics.md §1.8). */
function arrhenius(activationEnergyEv: number, temperatureC: number): number {
  const tK = temperatureC + ZERO_CELSIUS_K;
  const tRefK = REFERENCE_TEMPERATURE_C + ZERO_CELSIUS_K;
  return Math.exp((activationEnergyEv / BOLTZMANN_EV_PER_K) * (1 / tK - 1 / tRefK));
}

/** Clean cell parameters of a cycle at the reference temperature, with the scenario's fault applied. */
export function scenarioTruth(
  kind: ScenarioKind,
  options: ScenarioOptions,
  cycle: number,
): ScenarioCycleTruth {
  const o = resolve(options);
  const after = Math.max(0, cycle - o.onsetCycle);
  const faulty = cycle >= o.onsetCycle;
  let ohmic = o.ohmicResistanceOhm;
  let iface = o.interfaceResistanceOhm;
  let capacity = o.capacityAh;
  let temperatureC = o.temperatureC;
  switch (kind) {
    case 'stable':
      break;
    case 'interface-rise':
      iface *= 1 + o.interfaceRisePerCycle * after;
      break;
    case 'contact-loss':
      // Falling stack pressure: contact area shrinks, so the interface resistance grows and the
      // isolated cathode particles stop taking part (capacity loss), docs/physics.md §4.4.
      iface *= 1 + o.contactResistanceRisePerCycle * after;
      capacity *= Math.max(0.3, 1 - o.contactCapacityLossPerCycle * after);
      break;
    case 'ohmic-jump':
      if (faulty) ohmic *= 1 + o.ohmicJump;
      break;
    case 'temperature-excursion':
      if (faulty && cycle < o.onsetCycle + o.excursionCycles) temperatureC = o.excursionTemperatureC;
      break;
  }
  return { ohmicResistanceOhm: ohmic, interfaceResistanceOhm: iface, capacityAh: capacity, temperatureC };
}

/** Standard normal deviate by Box–Muller (Box & Muller, Ann. Math. Stat. 29 (1958) 610). */
function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/**
 * Samples of a cell that repeats a short pulse protocol each cycle — rest, charge pulse, rest,
 * discharge pulse — so every cycle carries four current edges for ΔV/ΔI. Terminal voltage is
 * OCV + I·R_ohm + V_rc, with the interface as one RC element: V_rc relaxes towards I·R_int with time
 * constant τ, integrated exactly for current held constant over each sample interval. The current
 * switches at a sample instant, so the sample at an edge shows the pure ohmic step. Pure and seeded:
 * the same options give the same samples.
 */
export function* generateScenario(kind: ScenarioKind, options: ScenarioOptions): Generator<ScenarioSample> {
  const o = resolve(options);
  const noise = gaussian(mulberry32(o.seed));
  const tempNoise = gaussian(mulberry32(o.seed ^ 0x5bd1e995));
  const n = o.samplesPerCycle;
  const rest = Math.round(n / 6);
  const charge = Math.round(n / 3);
  const dtS = o.sampleIntervalMs / 1000;
  const decay = Math.exp(-dtS / o.interfaceTauSeconds);
  let soc = o.initialSoc;
  let vRc = 0;
  let seq = 0;
  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    const truth = scenarioTruth(kind, o, cycle);
    const pulseA = o.pulseCRate * truth.capacityAh;
    for (let k = 0; k < n; k++) {
      const tsMs = o.startTsMs + seq * o.sampleIntervalMs;
      const [currentA, step] =
        k < rest ? [0, 1] : k < rest + charge ? [pulseA, 2] : k < 2 * rest + charge ? [0, 3] : [-pulseA, 4];
      // A slow ±0.3 °C room swing plus sensor noise: enough that un-normalised resistances would wander.
      const temperatureC =
        truth.temperatureC + 0.3 * Math.sin((2 * Math.PI * tsMs) / 3_600_000) + 0.03 * tempNoise();
      const factor = arrhenius(o.activationEnergyEv, temperatureC);
      const rOhm = truth.ohmicResistanceOhm * factor;
      const rInt = truth.interfaceResistanceOhm * factor;
      const voltageV = ocvV(soc) + currentA * rOhm + vRc + o.noiseV * noise();
      yield { seq, tsMs, voltageV, currentA, temperatureC, cycle, step };
      vRc = vRc * decay + currentA * rInt * (1 - decay);
      soc += (currentA * dtS) / 3600 / o.capacityAh;
      seq++;
    }
  }
}
