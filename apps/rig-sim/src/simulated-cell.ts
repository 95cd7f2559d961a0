import { ncm811OcvVsLiInV } from './ncm811-ocv';

export interface SimulatedCellOptions {
  capacityAh: number;
  /** Charge and discharge rate in C. */
  cRate: number;
  voltageMinV: number;
  voltageMaxV: number;
  ohmicResistanceOhm: number;
  interfaceResistanceOhm: number;
  /** Relative growth of the interface resistance per cycle (0.01 = +1 %/cycle). */
  interfaceGrowthPerCycle: number;
  ohmicGrowthPerCycle: number;
  temperatureC: number;
  initialSoc: number;
  /** Voltage noise standard deviation, V. */
  noiseV: number;
  seed: number;
}

export const DEFAULT_CELL: SimulatedCellOptions = {
  capacityAh: 0.005,
  cRate: 0.5,
  voltageMinV: 2.5,
  voltageMaxV: 3.68,
  ohmicResistanceOhm: 8,
  interfaceResistanceOhm: 12,
  interfaceGrowthPerCycle: 0.004,
  ohmicGrowthPerCycle: 0.001,
  temperatureC: 25,
  initialSoc: 0,
  noiseV: 0.0005,
  seed: 1,
};

type Phase = 'cc-charge' | 'cv-charge' | 'cc-discharge';

export interface SimSample {
  tsMs: number;
  voltageV: number;
  currentA: number;
  temperatureC: number;
  cycle: number;
  step: number;
}

/** mulberry32: a tiny seeded PRNG so simulated noise is reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CC-CV cycling of one cell: constant-current charge to voltageMaxV, constant-voltage hold until the
 * current falls to C/20, constant-current discharge to voltageMinV, repeat. Terminal voltage is
 * OCV + I·(R_ohm + R_int); both resistances grow with cycle number so the twin has drift to see.
 */
export class SimulatedCell {
  private soc: number;
  private phase: Phase = 'cc-charge';
  private cycle = 1;
  private readonly random: () => number;

  constructor(
    readonly options: SimulatedCellOptions,
    private tsMs: number,
  ) {
    this.soc = options.initialSoc;
    this.random = mulberry32(options.seed);
  }

  get cycleIndex(): number {
    return this.cycle;
  }

  resistanceOhm(): number {
    const o = this.options;
    const ohmic = o.ohmicResistanceOhm * (1 + o.ohmicGrowthPerCycle * (this.cycle - 1));
    const iface = o.interfaceResistanceOhm * (1 + o.interfaceGrowthPerCycle * (this.cycle - 1));
    return ohmic + iface;
  }

  /** Advances simulated time by dtMs and returns the sample at its end. */
  advance(dtMs: number): SimSample {
    const o = this.options;
    const ccA = o.capacityAh * o.cRate;
    const r = this.resistanceOhm();
    let currentA: number;
    let step: number;
    switch (this.phase) {
      case 'cc-charge':
        currentA = ccA;
        step = 1;
        // A full cell ends CC too (OCV saturates at SOC 1), so a limit the cell cannot reach never hangs it.
        if (ncm811OcvVsLiInV(this.soc) + currentA * r >= o.voltageMaxV - 1e-9 || this.soc >= 1) {
          this.phase = 'cv-charge';
        }
        break;
      case 'cv-charge':
        currentA = Math.max(0, (o.voltageMaxV - ncm811OcvVsLiInV(this.soc)) / r);
        step = 2;
        if (currentA <= ccA / 10 || this.soc >= 1) this.phase = 'cc-discharge';
        break;
      case 'cc-discharge':
        currentA = -ccA;
        step = 3;
        if (ncm811OcvVsLiInV(this.soc) + currentA * r <= o.voltageMinV || this.soc <= 0) {
          this.phase = 'cc-charge';
          this.cycle += 1;
        }
        break;
    }
    this.soc += (currentA * dtMs) / 3_600_000 / o.capacityAh;
    this.tsMs += dtMs;
    const noise = (this.random() - 0.5) * 2 * Math.sqrt(3) * o.noiseV;
    const voltageV = Math.min(9.9, Math.max(0.01, ncm811OcvVsLiInV(this.soc) + currentA * r + noise));
    const temperatureC = o.temperatureC + 0.3 * Math.sin(this.tsMs / 600_000) + (this.random() - 0.5) * 0.05;
    return { tsMs: this.tsMs, voltageV, currentA, temperatureC, cycle: this.cycle, step };
  }
}
