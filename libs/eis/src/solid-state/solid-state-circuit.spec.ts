import { describe, expect, it } from 'vitest';
import { parseCircuit } from '../circuit/parse-circuit';
import { EisInputError } from '../eis-input-error';
import { brugCapacitanceF, interfaceArc, SOLID_STATE_CIRCUIT } from './solid-state-circuit';

describe('solid-state circuit helpers', () => {
  it('has the interface arc parameters the helper reads', () => {
    expect(parseCircuit(SOLID_STATE_CIRCUIT).parameterNames).toEqual(
      expect.arrayContaining(['R2', 'CPE2_0', 'CPE2_1']),
    );
  });

  it("Brug's formula: C = Q for α = 1, hand value for α = 0.8", () => {
    expect(brugCapacitanceF(123, 4.5e-6, 1)).toBeCloseTo(4.5e-6, 18);
    // (2e-5 · 100^0.2)^(1/0.8) = (2e-5 · 2.511886)^1.25 = 4.229485e-6
    expect(brugCapacitanceF(100, 2e-5, 0.8)).toBeCloseTo(4.229485053762256e-6, 15);
  });

  it('normalises the interface arc by area: Ω·cm² = R·A, µF/cm² = C/A', () => {
    const fit = {
      parameters: [
        { name: 'R2', value: 100, stdErr: 1 },
        { name: 'CPE2_0', value: 2e-5, stdErr: 0 },
        { name: 'CPE2_1', value: 0.8, stdErr: 0 },
      ],
    };
    const arc = interfaceArc(fit, 0.5);
    expect(arc.areaResistanceOhmCm2).toBeCloseTo(50, 12);
    expect(arc.areaCapacitanceUFPerCm2).toBeCloseTo((4.229485053762256e-6 * 1e6) / 0.5, 9);
    // Apex at ω = (RQ)^{−1/α} = (2e-3)^{−1.25}
    expect(arc.apexFrequencyHz).toBeCloseTo(Math.pow(2e-3, -1.25) / (2 * Math.PI), 9);
    expect(() => interfaceArc(fit, 0)).toThrow(EisInputError);
    expect(() => interfaceArc({ parameters: [] }, 1)).toThrow(EisInputError);
  });
});
