import { describe, expect, it } from 'vitest';
import { compileCircuit, logFrequencies } from './circuit-eval';

const params = (o: Record<string, number>) => new Map(Object.entries(o));

describe('compileCircuit', () => {
  it('names parameters as impedance.py does', () => {
    expect(compileCircuit('R0-p(R1,CPE1)-Wo1').parameterNames).toEqual([
      'R0',
      'R1',
      'CPE1_0',
      'CPE1_1',
      'Wo1_0',
      'Wo1_1',
    ]);
  });

  it('gives R0 + R1/(1+j) for a Randles-free RC at its corner frequency ω = 1/(R1·C1)', () => {
    const c = compileCircuit('R0-p(R1,C1)');
    const [re, im] = c.impedance(1 / (200 * 1e-6), params({ R0: 10, R1: 200, C1: 1e-6 }));
    expect(re).toBeCloseTo(10 + 100, 9);
    expect(im).toBeCloseTo(-100, 9);
  });

  it('makes a CPE with α = 1 behave as a capacitor of the same value', () => {
    const omega = 2 * Math.PI * 37;
    const cpe = compileCircuit('p(R1,CPE1)').impedance(omega, params({ R1: 50, CPE1_0: 3e-5, CPE1_1: 1 }));
    const cap = compileCircuit('p(R1,C1)').impedance(omega, params({ R1: 50, C1: 3e-5 }));
    expect(cpe[0]).toBeCloseTo(cap[0], 9);
    expect(cpe[1]).toBeCloseTo(cap[1], 9);
  });

  it('has a Warburg at −45° with |Z| = Aw·√2 at ω = 1 rad/s and an inductor at +j·ω·L', () => {
    const [re, im] = compileCircuit('W1').impedance(1, params({ W1: 7 }));
    expect(Math.hypot(re, im)).toBeCloseTo(7 * Math.SQRT2, 9);
    expect((Math.atan2(im, re) * 180) / Math.PI).toBeCloseTo(-45, 9);
    expect(compileCircuit('L1').impedance(100, params({ L1: 2e-3 }))).toEqual([0, 0.2]);
  });

  it('sends the finite Warburgs to their limits: Ws → Z0 and Wo → capacitive at low ω, both → Z0/√(jωτ) at high ω', () => {
    const p = params({ Ws1_0: 40, Ws1_1: 2, Wo1_0: 40, Wo1_1: 2 });
    const ws = compileCircuit('Ws1');
    const wo = compileCircuit('Wo1');
    const low = ws.impedance(1e-6, p);
    expect(low[0]).toBeCloseTo(40, 4);
    expect(Math.abs(low[1])).toBeLessThan(1e-3);
    // coth(x)/x ≈ 1/x² for small x: Wo(ω→0) ≈ Z0/(jωτ), i.e. −j·Z0/(ωτ).
    const woLow = wo.impedance(1e-6, p);
    expect(woLow[1]).toBeCloseTo(-40 / (1e-6 * 2), -3);
    const omega = 1e6;
    const expected = 40 / Math.sqrt(omega * 2) / Math.SQRT2; // Z0/√(ωτ)·(1 − j)/√2
    for (const z of [ws.impedance(omega, p), wo.impedance(omega, p)]) {
      expect(z[0]).toBeCloseTo(expected, 9);
      expect(z[1]).toBeCloseTo(-expected, 9);
    }
  });

  it('refuses unknown elements, duplicates and unbalanced groups', () => {
    expect(() => compileCircuit('R0-X1')).toThrow('unknown element');
    expect(() => compileCircuit('R0-R0')).toThrow('duplicate');
    expect(() => compileCircuit('p(R1,C1')).toThrow(')');
    expect(() => compileCircuit('p(R1)')).toThrow('two branches');
  });
});

describe('logFrequencies', () => {
  it('spaces points evenly in log f, ends included', () => {
    const f = logFrequencies(0.1, 1000, 5);
    expect(f.map((x) => Math.round(Math.log10(x) * 1e9) / 1e9)).toEqual([-1, 0, 1, 2, 3]);
  });
});
