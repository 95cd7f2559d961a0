import { describe, expect, it } from 'vitest';
import { EisInputError } from '../eis-input-error';
import { logSpacedFrequenciesHz, synthesizeSpectrum } from '../synthetic/synthetic-spectrum';
import { fitCircuit, type FitResult } from './fit-circuit';

const F_81 = logSpacedFrequenciesHz(0.01, 1e6, 81);

const CASES: { circuit: string; truth: Record<string, number>; frequenciesHz: number[] }[] = [
  { circuit: 'R0-p(R1,C1)', truth: { R0: 10, R1: 100, C1: 1e-6 }, frequenciesHz: F_81 },
  {
    circuit: 'R0-p(R1,C1)-p(R2,C2)',
    truth: { R0: 5, R1: 50, C1: 1e-5, R2: 80, C2: 1e-3 },
    frequenciesHz: F_81,
  },
  {
    circuit: 'R0-p(R1,CPE1)-p(R2,CPE2)-Wo1',
    truth: {
      R0: 20,
      R1: 200,
      CPE1_0: 1e-8,
      CPE1_1: 0.9,
      R2: 500,
      CPE2_0: 1e-5,
      CPE2_1: 0.85,
      Wo1_0: 300,
      Wo1_1: 10,
    },
    frequenciesHz: F_81,
  },
  {
    // impedance.py's documented fit of exampleData.csv, as a Randles-type truth over that file's band.
    circuit: 'R0-p(R1,C1)-p(R2-Wo1,C2)',
    truth: { R0: 0.0165, R1: 0.00868, C1: 3.32, R2: 0.00539, Wo1_0: 0.0631, Wo1_1: 233, C2: 0.22 },
    frequenciesHz: logSpacedFrequenciesHz(0.001, 1e4, 71),
  },
  {
    circuit: 'L0-R0-p(R1,CPE1)-Ws1',
    truth: { L0: 1e-6, R0: 5, R1: 50, CPE1_0: 1e-5, CPE1_1: 0.8, Ws1_0: 40, Ws1_1: 5 },
    frequenciesHz: F_81,
  },
  { circuit: 'R0-p(R1-W1,C1)', truth: { R0: 2, R1: 20, W1: 15, C1: 2e-5 }, frequenciesHz: F_81 },
];

function value(fit: FitResult, name: string): number {
  const p = fit.parameters.find((q) => q.name === name);
  if (!p) throw new Error(`no ${name}`);
  return p.value;
}

describe('fitCircuit on noise-free synthetic spectra (no initial guess)', () => {
  for (const { circuit, truth, frequenciesHz } of CASES) {
    for (const weighting of ['unit', 'modulus'] as const) {
      it(`recovers ${circuit} to 1e-4 relative (${weighting})`, () => {
        const fit = fitCircuit(circuit, synthesizeSpectrum(circuit, truth, frequenciesHz), { weighting });
        for (const [name, expected] of Object.entries(truth)) {
          expect(Math.abs(value(fit, name) / expected - 1)).toBeLessThan(1e-4);
        }
        expect(fit.rmsRelErrorPct).toBeLessThan(1e-4);
        expect(fit.parameters.map((p) => p.name)).toEqual(Object.keys(truth));
      });
    }
  }

  it('gives the same optimum with the forward-difference Jacobian and with proportional weighting', () => {
    const { circuit, truth, frequenciesHz } = CASES[2];
    const spectrum = synthesizeSpectrum(circuit, truth, frequenciesHz);
    for (const options of [
      { jacobian: 'forward-difference' as const },
      { weighting: 'proportional' as const },
    ]) {
      const fit = fitCircuit(circuit, spectrum, options);
      for (const [name, expected] of Object.entries(truth)) {
        expect(Math.abs(value(fit, name) / expected - 1)).toBeLessThan(1e-4);
      }
    }
  });
});

describe('fitCircuit on noisy synthetic spectra', () => {
  it('lands within a few of its own standard errors of the truth, 0.5 % noise, 8 seeds', () => {
    const { circuit, truth, frequenciesHz } = CASES[2];
    const zScores: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const fit = fitCircuit(circuit, synthesizeSpectrum(circuit, truth, frequenciesHz, 0.005, seed), {
        weighting: 'modulus',
      });
      // 0.5 % noise on each part → |ΔZ|/|Z| ≈ 0.71 % RMS
      expect(fit.rmsRelErrorPct).toBeGreaterThan(0.55);
      expect(fit.rmsRelErrorPct).toBeLessThan(0.85);
      for (const p of fit.parameters) {
        expect(p.stdErr).toBeGreaterThan(0);
        zScores.push((p.value - truth[p.name]) / p.stdErr);
      }
    }
    expect(Math.max(...zScores.map(Math.abs))).toBeLessThan(4);
    // If stdErr were mis-scaled (e.g. missing the residual variance), the spread of z would be far from 1.
    const rmsZ = Math.sqrt(zScores.reduce((s, v) => s + v * v, 0) / zScores.length);
    expect(rmsZ).toBeGreaterThan(0.5);
    expect(rmsZ).toBeLessThan(1.6);
  });

  it('unit weighting: χ² is Σ|Z − Ẑ|² in Ω² and matches the reported RMS scale', () => {
    const { circuit, truth } = CASES[0];
    const spectrum = synthesizeSpectrum(circuit, truth, F_81, 0.01, 3);
    const fit = fitCircuit(circuit, spectrum);
    for (const [name, expected] of Object.entries(truth)) {
      const p = fit.parameters.find((q) => q.name === name);
      expect(Math.abs((p?.value ?? NaN) - expected)).toBeLessThan(4 * (p?.stdErr ?? 0));
    }
    // 1 % noise on each part of |Z| between ~10 and ~110 Ω: χ² of order Σ 2(0.01|Z|)²
    let expectedChi = 0;
    for (let i = 0; i < spectrum.frequenciesHz.length; i++) {
      expectedChi += 2 * (0.01 * Math.hypot(spectrum.zRealOhm[i], spectrum.zImagOhm[i])) ** 2;
    }
    expect(fit.chiSquare / expectedChi).toBeGreaterThan(0.6);
    expect(fit.chiSquare / expectedChi).toBeLessThan(1.4);
  });
});

describe('fitCircuit options', () => {
  const { circuit, truth, frequenciesHz } = CASES[2];

  it('warm-starts from a previous fit: one LM start, few iterations, same optimum', () => {
    const first = fitCircuit(circuit, synthesizeSpectrum(circuit, truth, frequenciesHz, 0.003, 11));
    const drifted = { ...truth, R2: truth.R2 * 1.05 };
    const next = fitCircuit(circuit, synthesizeSpectrum(circuit, drifted, frequenciesHz, 0.003, 12), {
      initialGuess: first,
    });
    expect(next.starts).toBe(1);
    expect(next.iterations).toBeLessThan(30);
    expect(Math.abs(value(next, 'R2') - drifted.R2)).toBeLessThan(4 * next.parameters[4].stdErr);
  });

  it('holds a parameter fixed when its bounds collapse, and respects box bounds', () => {
    const spectrum = synthesizeSpectrum(circuit, truth, frequenciesHz);
    const fixed = fitCircuit(circuit, spectrum, { bounds: { Wo1_1: [10, 10] } });
    expect(value(fixed, 'Wo1_1')).toBe(10);
    expect(fixed.parameters.find((p) => p.name === 'Wo1_1')?.stdErr).toBe(0);
    expect(Math.abs(value(fixed, 'R2') / truth.R2 - 1)).toBeLessThan(1e-4);
    // A bound that excludes the truth (R0 = 20 Ω): R0 must stop at its upper limit. (A bound on R1 or R2 alone
    // could be met exactly by swapping the two arcs' labels, which is a perfect fit, not a bound violation.)
    const bounded = fitCircuit(circuit, spectrum, { bounds: { R0: [0, 15] } });
    expect(value(bounded, 'R0')).toBeLessThanOrEqual(15);
    expect(value(bounded, 'R0')).toBeGreaterThan(14.99);
    expect(bounded.rmsRelErrorPct).toBeGreaterThan(0.01);
  });

  it('accepts a partial guess by name and completes it from the spectrum', () => {
    const spectrum = synthesizeSpectrum(circuit, truth, frequenciesHz);
    const fit = fitCircuit(circuit, spectrum, { initialGuess: { R0: 25, R2: 400 } });
    expect(Math.abs(value(fit, 'R2') / truth.R2 - 1)).toBeLessThan(1e-4);
  });
});

describe('fitCircuit input validation', () => {
  const spectrum = synthesizeSpectrum('R0-p(R1,C1)', { R0: 1, R1: 2, C1: 1e-3 }, [1, 10, 100]);
  const field = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof EisInputError) return e.field;
      throw e;
    }
    return 'no error';
  };

  it('names the offending field', () => {
    expect(field(() => fitCircuit('R0-p(R1,C1)', { ...spectrum, zRealOhm: [1, 2] }))).toBe('zRealOhm');
    expect(field(() => fitCircuit('R0-p(R1,C1)', { ...spectrum, zImagOhm: [1, 2, 3, 4] }))).toBe('zImagOhm');
    expect(field(() => fitCircuit('R0-p(R1,C1)', { ...spectrum, zImagOhm: [1, NaN, 3] }))).toBe(
      'zImagOhm[1]',
    );
    expect(field(() => fitCircuit('R0-p(R1,C1)', { ...spectrum, frequenciesHz: [1, -2, 3] }))).toBe(
      'frequenciesHz[1]',
    );
    // 1 point = 2 residuals < 3 parameters + 1
    const one = { frequenciesHz: [1], zRealOhm: [1], zImagOhm: [-1] };
    expect(field(() => fitCircuit('R0-p(R1,C1)', one))).toBe('frequenciesHz');
    expect(field(() => fitCircuit('R0-p(R1,C1)', spectrum, { initialGuess: { R9: 1 } }))).toBe(
      'initialGuess.R9',
    );
    expect(field(() => fitCircuit('R0-p(R1,C1)', spectrum, { initialGuess: [1, 2] }))).toBe('initialGuess');
    expect(field(() => fitCircuit('R0-p(R1,C1)', spectrum, { bounds: { R1: [2, 1] } }))).toBe('bounds.R1');
    expect(field(() => fitCircuit('R0-p(R1,X1)', spectrum))).toBe('circuit');
  });
});
