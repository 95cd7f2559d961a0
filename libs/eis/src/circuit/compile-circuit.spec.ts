import { describe, expect, it } from 'vitest';
import { EisInputError } from '../eis-input-error';
import { circuitImpedance, compileCircuit } from './compile-circuit';

const TWO_PI = 2 * Math.PI;
/** Frequency in Hz for a given angular frequency, so hand values can be written with round ω. */
const hz = (omega: number): number => omega / TWO_PI;

function z(circuit: string, parameters: Record<string, number>, omega: number): [number, number] {
  const out = circuitImpedance(circuit, parameters, [hz(omega)]);
  return [out.zRealOhm[0], out.zImagOhm[0]];
}

describe('circuit impedance against hand-computed values', () => {
  it('R0-p(R1,C1): 10 + 100/(1 + jωRC) at ωRC = 1 and 2', () => {
    const p = { R0: 10, R1: 100, C1: 1e-6 };
    // ωRC = 1: 100/(1 + j) = 50 − 50j
    const [re1, im1] = z('R0-p(R1,C1)', p, 1e4);
    expect(re1).toBeCloseTo(60, 10);
    expect(im1).toBeCloseTo(-50, 10);
    // ωRC = 2: 100/(1 + 2j) = 100(1 − 2j)/5 = 20 − 40j
    const [re2, im2] = z('R0-p(R1,C1)', p, 2e4);
    expect(re2).toBeCloseTo(30, 10);
    expect(im2).toBeCloseTo(-40, 10);
  });

  it('L0-R0: 5 + jωL with ω = 1000, L = 1 mH → 5 + 1j; C alone: 1/(jωC)', () => {
    const [re, im] = z('L0-R0', { L0: 1e-3, R0: 5 }, 1000);
    expect(re).toBeCloseTo(5, 12);
    expect(im).toBeCloseTo(1, 12);
    const [cr, ci] = z('C0', { C0: 2e-3 }, 50);
    expect(cr).toBe(0);
    expect(ci).toBeCloseTo(-10, 12);
  });

  it('CPE: 1/(Q (jω)^α) with Q = 1e-3, α = 0.5, ω = 100 → 100·e^{−jπ/4}', () => {
    const [re, im] = z('CPE1', { CPE1_0: 1e-3, CPE1_1: 0.5 }, 100);
    expect(re).toBeCloseTo(100 * Math.SQRT1_2, 10);
    expect(im).toBeCloseTo(-100 * Math.SQRT1_2, 10);
    // In parallel with R = 100: 100/(1 + e^{jπ/4}) = 50 − 50(√2 − 1)j
    const [pr, pi] = z('p(R1,CPE1)', { R1: 100, CPE1_0: 1e-3, CPE1_1: 0.5 }, 100);
    expect(pr).toBeCloseTo(50, 10);
    expect(pi).toBeCloseTo(-50 * (Math.SQRT2 - 1), 10);
  });

  it('W: σ(1 − j)/√ω with σ = 10, ω = 4 → 5 − 5j', () => {
    const [re, im] = z('W1', { W1: 10 }, 4);
    expect(re).toBeCloseTo(5, 12);
    expect(im).toBeCloseTo(-5, 12);
  });

  it('Wo and Ws at ωτ = 2, where √(jωτ) = 1 + j (values from cmath.tanh(1+1j))', () => {
    // coth(1+j)/(1+j) = 0.3251962905207611 − 0.5428178523751639j
    const [or, oi] = z('Wo1', { Wo1_0: 2, Wo1_1: 1 }, 2);
    expect(or).toBeCloseTo(2 * 0.3251962905207611, 12);
    expect(oi).toBeCloseTo(2 * -0.5428178523751639, 12);
    // tanh(1+j)/(1+j) = 0.6778379563291032 − 0.4060853710095914j
    const [sr, si] = z('Ws1', { Ws1_0: 2, Ws1_1: 1 }, 2);
    expect(sr).toBeCloseTo(2 * 0.6778379563291032, 12);
    expect(si).toBeCloseTo(2 * -0.4060853710095914, 12);
  });

  it('Wo/Ws limits: series expansions at small ωτ, 1/√(jωτ) at large ωτ, no overflow at extreme ωτ', () => {
    // coth(s)/s = 1/s² + 1/3 − s²/45 …, s² = jωτ = 1e-6 j → Z = 1/3 − j(1e6 + 1e-6/45)
    const [or, oi] = z('Wo1', { Wo1_0: 1, Wo1_1: 1 }, 1e-6);
    expect(or).toBeCloseTo(1 / 3, 9);
    expect(oi / -1e6).toBeCloseTo(1, 12);
    // tanh(s)/s = 1 − s²/3 + … → Z = 1 − j·1e-6/3
    const [sr, si] = z('Ws1', { Ws1_0: 1, Ws1_1: 1 }, 1e-6);
    expect(sr).toBeCloseTo(1, 12);
    expect(si / (-1e-6 / 3)).toBeCloseTo(1, 6);
    // ωτ = 2e4: √(jωτ) = 100 + 100j, coth = tanh = 1 to double precision → Z = (100 − 100j)/20000
    for (const circuit of ['Wo1', 'Ws1']) {
      const name = circuit;
      const [re, im] = z(circuit, { [`${name}_0`]: 1, [`${name}_1`]: 1 }, 2e4);
      expect(re).toBeCloseTo(0.005, 15);
      expect(im).toBeCloseTo(-0.005, 15);
      const [hr, hi] = z(circuit, { [`${name}_0`]: 1, [`${name}_1`]: 1 }, 1e14);
      expect(Number.isFinite(hr) && Number.isFinite(hi)).toBe(true);
      expect(hr).toBeCloseTo(1 / Math.sqrt(2e14), 20);
    }
  });

  it('nested: R0-p(R1-W1,C1) with R0 = 1, R1 = 2, σ = 1, C = 0.5, ω = 4 → 63/58 − 27/58 j', () => {
    // Z_W = (1 − j)/2, branch 2.5 − 0.5j, Z_C = −0.5j; 1/(1/(2.5 − 0.5j) + 2j) = 5/58 − 27/58 j
    const [re, im] = z('R0-p(R1-W1,C1)', { R0: 1, R1: 2, W1: 1, C1: 0.5 }, 4);
    expect(re).toBeCloseTo(63 / 58, 12);
    expect(im).toBeCloseTo(-27 / 58, 12);
    // Three resistors 2‖3‖6 = 1 Ω
    const [pr, pi] = z('p(R1,R2,R3)', { R1: 2, R2: 3, R3: 6 }, 1);
    expect(pr).toBeCloseTo(1, 14);
    expect(pi).toBeCloseTo(0, 14);
  });

  it('accepts a vector in parameter order and rejects missing names or wrong lengths', () => {
    const byVector = circuitImpedance('R0-p(R1,C1)', [10, 100, 1e-6], [hz(1e4)]);
    expect(byVector.zRealOhm[0]).toBeCloseTo(60, 10);
    expect(() => circuitImpedance('R0-p(R1,C1)', { R0: 1, R1: 2 }, [1])).toThrow(EisInputError);
    expect(() => compileCircuit('R0', [1]).evaluate([1, 2])).toThrow(EisInputError);
    expect(() => compileCircuit('R0', [0])).toThrow(EisInputError);
  });
});

describe('analytic Jacobian', () => {
  it('matches central differences for every element type', () => {
    const circuit = 'L0-R0-p(R1,CPE1)-p(R2-Wo1,C2)-Ws1-W1';
    const p = [2e-6, 10, 100, 1e-6, 0.8, 50, 20, 3, 1e-4, 30, 0.5, 5];
    const f = [3e5, 2e3, 17, 0.3, 2e-3];
    const n = f.length;
    const ev = compileCircuit(circuit, f);
    const jr = new Float64Array(p.length * n);
    const ji = new Float64Array(p.length * n);
    ev.evaluateWithJacobian(p, jr, ji);
    const modulus = Array.from(ev.zRealOhm, (re, i) => Math.hypot(re, ev.zImagOhm[i]));
    for (let k = 0; k < p.length; k++) {
      const h = Math.abs(p[k]) * 1e-5;
      const up = p.slice();
      const down = p.slice();
      up[k] += h;
      down[k] -= h;
      ev.evaluate(up);
      const ur = ev.zRealOhm.slice();
      const ui = ev.zImagOhm.slice();
      ev.evaluate(down);
      for (let i = 0; i < n; i++) {
        const dr = (ur[i] - ev.zRealOhm[i]) / (2 * h);
        const di = (ui[i] - ev.zImagOhm[i]) / (2 * h);
        // Compare relative to the impedance change a 1 % parameter step would cause, so that tiny columns
        // (e.g. L at 2 mHz) do not demand more digits than central differences carry.
        const scale = modulus[i] / Math.abs(p[k]);
        expect(Math.abs(jr[k * n + i] - dr)).toBeLessThan(1e-6 * scale);
        expect(Math.abs(ji[k * n + i] - di)).toBeLessThan(1e-6 * scale);
      }
    }
  });
});
