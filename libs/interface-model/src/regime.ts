/**
 * Dominant-degradation regime classifier (physics.md §5 [P]): primary resistance rule, index fallback.
 */
import type { RegimeRule } from './parameters';

export type Regime = 'electrostatic' | 'mechanical' | 'mixed' | 'equilibrated';

export interface RegimeInputs {
  readonly psi0: number;
  readonly volumeStrain: number;
  readonly contactFraction: number;
  readonly stackPressureMPa: number;
  /** null when no bulk conductivity is known: the resistance rule is then unavailable. */
  readonly sclResistanceOhmCm2: number | null;
  readonly maxwellStressMPa: number;
  readonly rCt0OhmCm2: number;
  readonly rInt0OhmCm2: number;
  readonly beta: number;
  readonly pRefMPa: number;
  /** §5 "optional field term" I_es ← max(I_es, p_M/P_stack). */
  readonly indexFieldTerm: boolean;
}

export interface RegimeResult {
  readonly regime: Regime;
  readonly rule: RegimeRule;
  readonly deciding: {
    readonly psi0: number;
    readonly volumeStrain: number;
    readonly contactFraction: number;
    readonly electrostaticExcessOhmCm2: number | null;
    readonly mechanicalExcessOhmCm2: number | null;
    readonly electrostaticIndex: number | null;
    readonly mechanicalIndex: number | null;
  };
}

function compare(es: number, mech: number): Regime {
  if (es >= 2 * mech) return 'electrostatic';
  if (mech >= 2 * es) return 'mechanical';
  return 'mixed';
}

export function classifyRegime(inp: RegimeInputs, rule: RegimeRule): RegimeResult {
  if (rule === 'resistance' && inp.sclResistanceOhmCm2 !== null) {
    // §5 primary rule: both mechanisms as excess resistance in Ω·cm².
    const dEs =
      Math.max(inp.sclResistanceOhmCm2, 0) + inp.rCt0OhmCm2 * Math.expm1(inp.beta * Math.max(inp.psi0, 0));
    const dMech = inp.rInt0OhmCm2 * (1 / inp.contactFraction - 1);
    const equilibrated =
      Math.abs(inp.psi0) < 2 && Math.abs(inp.volumeStrain) < 0.02 && inp.contactFraction > 0.95;
    return {
      regime: equilibrated ? 'equilibrated' : compare(dEs, dMech),
      rule: 'resistance',
      deciding: {
        psi0: inp.psi0,
        volumeStrain: inp.volumeStrain,
        contactFraction: inp.contactFraction,
        electrostaticExcessOhmCm2: dEs,
        mechanicalExcessOhmCm2: dMech,
        electrostaticIndex: null,
        mechanicalIndex: null,
      },
    };
  }
  // §5 fallback: I_es = |ψ0|/4 (= 1 near 0.10 V, where r ≈ 6), optionally raised by p_M/P_stack (D16).
  const pStack = Math.max(inp.stackPressureMPa, 1);
  const iEsPotential = Math.abs(inp.psi0) / 4;
  const iEs = inp.indexFieldTerm ? Math.max(iEsPotential, inp.maxwellStressMPa / pStack) : iEsPotential;
  const iMech =
    (Math.abs(inp.volumeStrain) / 0.03) *
    Math.sqrt(inp.pRefMPa / pStack) *
    (1 + 5 * (1 - inp.contactFraction));
  return {
    regime: iEs < 0.5 && iMech < 0.5 ? 'equilibrated' : compare(iEs, iMech),
    rule: 'index',
    deciding: {
      psi0: inp.psi0,
      volumeStrain: inp.volumeStrain,
      contactFraction: inp.contactFraction,
      electrostaticExcessOhmCm2: null,
      mechanicalExcessOhmCm2: null,
      electrostaticIndex: iEs,
      mechanicalIndex: iMech,
    },
  };
}
