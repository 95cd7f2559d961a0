/**
 * Cyclic contact damage as a small JSON state advanced by pure functions (physics.md §4.4 steps 2–5).
 */
import type { InterfaceModelParams } from '../parameters';
import { damageRatePerCycle, gapContactFactor, staticContactFraction } from './contact';

export interface MechanicsState {
  /** Damage recovered by re-pressurising above the historical maximum (§4.4.3, Shi 2020). */
  readonly damageReversible: number;
  readonly damageIrreversible: number;
  /** Historical maximum stack pressure; null before the first sample. */
  readonly maxPressureMPa: number | null;
  /** Cycle index the strain extremes belong to; null before the first sample. */
  readonly cycle: number | null;
  readonly cycleStrainMin: number | null;
  readonly cycleStrainMax: number | null;
  readonly cyclesDamaged: number;
}

type MechanicsParams = Pick<
  InterfaceModelParams,
  'fMin' | 'p0MPa' | 'psMPa' | 'epsTh' | 'kD' | 'm' | 'kGap' | 'reversibleDamageFraction' | 'rInt0OhmCm2'
>;

// Explicit literals instead of object spread: spread costs microseconds per call on the target Node build,
// and this runs once per live sample (bench/model.bench.ts).
function makeState(
  damageReversible: number,
  damageIrreversible: number,
  maxPressureMPa: number | null,
  cycle: number | null,
  cycleStrainMin: number | null,
  cycleStrainMax: number | null,
  cyclesDamaged: number,
): MechanicsState {
  return {
    damageReversible,
    damageIrreversible,
    maxPressureMPa,
    cycle,
    cycleStrainMin,
    cycleStrainMax,
    cyclesDamaged,
  };
}

export function initialMechanicsState(): MechanicsState {
  return {
    damageReversible: 0,
    damageIrreversible: 0,
    maxPressureMPa: null,
    cycle: null,
    cycleStrainMin: null,
    cycleStrainMax: null,
    cyclesDamaged: 0,
  };
}

export function totalDamage(state: MechanicsState): number {
  return Math.min(1, state.damageReversible + state.damageIrreversible);
}

/**
 * §4.4.2 applied `cycles` times with one strain amplitude: 1 − D → (1 − D)(1 − a)^cycles; each increment is split
 * into reversible/irreversible parts by `reversibleDamageFraction` [P].
 */
export function advanceMechanicsCycle(
  state: MechanicsState,
  input: {
    readonly volumeStrainAmplitude: number;
    readonly stackPressureMPa: number;
    readonly cycles?: number;
  },
  p: MechanicsParams,
): MechanicsState {
  const cycles = input.cycles ?? 1;
  const a = damageRatePerCycle(input.volumeStrainAmplitude, input.stackPressureMPa, p);
  const d = totalDamage(state);
  const increment = a === 0 || cycles <= 0 ? 0 : (1 - d) * (1 - Math.pow(1 - a, cycles));
  return makeState(
    state.damageReversible + p.reversibleDamageFraction * increment,
    state.damageIrreversible + (1 - p.reversibleDamageFraction) * increment,
    state.maxPressureMPa,
    state.cycle,
    state.cycleStrainMin,
    state.cycleStrainMax,
    state.cyclesDamaged + Math.max(0, cycles),
  );
}

/**
 * Per-sample bookkeeping: pressure above the historical maximum resets D_rev (§4.4.3); a higher cycle index
 * closes the previous cycle and applies its strain amplitude (skipped indices reuse it); a lower index
 * (a new test on the same cell) only restarts the strain tracking.
 */
export function trackMechanicsSample(
  state: MechanicsState,
  input: { readonly cycle: number; readonly volumeStrain: number; readonly stackPressureMPa: number },
  p: MechanicsParams,
): MechanicsState {
  let next = state;
  if (next.maxPressureMPa === null || input.stackPressureMPa > next.maxPressureMPa) {
    const reset = next.maxPressureMPa !== null;
    next = makeState(
      reset ? 0 : next.damageReversible,
      next.damageIrreversible,
      input.stackPressureMPa,
      next.cycle,
      next.cycleStrainMin,
      next.cycleStrainMax,
      next.cyclesDamaged,
    );
  }
  const e = input.volumeStrain;
  if (next.cycle === null || input.cycle < next.cycle) {
    return makeState(
      next.damageReversible,
      next.damageIrreversible,
      next.maxPressureMPa,
      input.cycle,
      e,
      e,
      next.cyclesDamaged,
    );
  }
  if (input.cycle > next.cycle) {
    const amplitude = (next.cycleStrainMax as number) - (next.cycleStrainMin as number);
    next = advanceMechanicsCycle(
      next,
      {
        volumeStrainAmplitude: amplitude,
        stackPressureMPa: input.stackPressureMPa,
        cycles: input.cycle - next.cycle,
      },
      p,
    );
    return makeState(
      next.damageReversible,
      next.damageIrreversible,
      next.maxPressureMPa,
      input.cycle,
      e,
      e,
      next.cyclesDamaged,
    );
  }
  const min = next.cycleStrainMin as number;
  const max = next.cycleStrainMax as number;
  if (e >= min && e <= max) return next;
  return makeState(
    next.damageReversible,
    next.damageIrreversible,
    next.maxPressureMPa,
    next.cycle,
    Math.min(min, e),
    Math.max(max, e),
    next.cyclesDamaged,
  );
}

export interface ContactReport {
  readonly staticContactFraction: number;
  readonly gapFactor: number;
  readonly damage: number;
  readonly damageReversible: number;
  readonly damageIrreversible: number;
  /** f_c = f_c0(P)·(1 − D)·g(ε_V, P). */
  readonly contactFraction: number;
  /** §4.4.5: ΔR_mech = R_int0·(1/f_c − 1). */
  readonly mechanicalResistanceIncreaseOhmCm2: number;
}

export function contactReport(
  state: MechanicsState,
  volumeStrain: number,
  stackPressureMPa: number,
  p: MechanicsParams,
): ContactReport {
  const fc0 = staticContactFraction(stackPressureMPa, p);
  const g = gapContactFactor(volumeStrain, stackPressureMPa, p);
  const damage = totalDamage(state);
  // A floor keeps 1/f_c finite when damage saturates; 1e-6 of the area is still a (huge) finite resistance.
  const contactFraction = Math.max(1e-6, fc0 * (1 - damage) * g);
  return {
    staticContactFraction: fc0,
    gapFactor: g,
    damage,
    damageReversible: state.damageReversible,
    damageIrreversible: state.damageIrreversible,
    contactFraction,
    mechanicalResistanceIncreaseOhmCm2: p.rInt0OhmCm2 * (1 / contactFraction - 1),
  };
}
