import { describe, expect, it } from 'vitest';
import { interfaceImpedance, type InterfaceCircuit } from './impedance';
import { interfaceImpedanceAt } from './interface-impedance';

const circuit: InterfaceCircuit = {
  rElOhmCm2: 5,
  rSclOhmCm2: 2,
  cSclUFPerCm2: 20,
  rCtOhmCm2: 10,
  cDlUFPerCm2: 10,
  rDifOhmCm2: 4,
  tauDifS: 10,
  contactFraction: 0.5,
};

describe('interface impedance (physics.md §1.9)', () => {
  it('DC limit is R_el + (R_SCL + R_ct + R_dif)/f_c, high-frequency limit is R_el', () => {
    const z = interfaceImpedance(circuit, [1e-7, 1e12]);
    expect(z.realOhmCm2[0]).toBeCloseTo(5 + (2 + 10 + 4) / 0.5, 4);
    expect(z.realOhmCm2[1]).toBeCloseTo(5, 4);
    expect(Math.abs(z.imagOhmCm2[1])).toBeLessThan(1e-3);
  });

  it('a single RC arc has its apex −R/2 at f = 1/(2πRC), unchanged by f_c', () => {
    const only = { ...circuit, rSclOhmCm2: 0, rDifOhmCm2: 0 };
    const r = 10 / 0.5;
    const fApex = 1 / (2 * Math.PI * 10 * 10e-6);
    const z = interfaceImpedance(only, [fApex]);
    expect(z.realOhmCm2[0]).toBeCloseTo(5 + r / 2, 9);
    expect(z.imagOhmCm2[0]).toBeCloseTo(-r / 2, 9);
  });

  it('finite Warburg: 45° line at high frequency, R_dif at DC; every point capacitive', () => {
    const w = { ...circuit, rSclOhmCm2: 0, rCtOhmCm2: 0, contactFraction: 1, rElOhmCm2: 0 };
    const z = interfaceImpedance(w, [100]);
    expect(z.realOhmCm2[0]).toBeCloseTo(-z.imagOhmCm2[0], 9);
    const s = Math.sqrt(2 * Math.PI * 100 * 10);
    expect(z.realOhmCm2[0]).toBeCloseTo(4 / (Math.SQRT2 * s), 9);
    const sweep = interfaceImpedance(circuit, [1e-3, 1e-1, 10, 1e3, 1e5]);
    expect(sweep.imagOhmCm2.every((v) => v < 0)).toBe(true);
  });

  it('for a cell situation uses the model’s own R_SCL, C_d, R_ct and f_c', () => {
    const { evaluation, spectrum } = interfaceImpedanceAt(
      { cathode: 'NCM811', electrolyte: 'Li6PS5Cl', soc: 0.5, stackPressureMPa: 10 },
      [1e-6],
    );
    const es = evaluation.electrostatics!;
    const fc = evaluation.interface.contactFraction!;
    const dc = 5 + (es.sclResistanceOhmCm2 + es.chargeTransferResistanceOhmCm2 + 5) / fc;
    expect(spectrum.realOhmCm2[0]).toBeCloseTo(dc, 3);
  });
});
