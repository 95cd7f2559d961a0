import { describe, expect, it } from 'vitest';
import {
  arrheniusResistanceFactor,
  chargeTransferResistanceOhmCm2,
  conductivityAtTemperature,
} from './temperature';

describe('Arrhenius (physics.md §1.8 planning factors [D])', () => {
  const ea = [0.315, 0.39, 0.42, 0.515, 0.55];
  it('R(25 °C)/R(60 °C) = 3.63, 4.93, 5.57, 8.21, 9.48', () => {
    const expected = [3.63, 4.93, 5.57, 8.21, 9.48];
    ea.forEach((e, i) => expect(arrheniusResistanceFactor(e, 298.15, 333.15)).toBeCloseTo(expected[i], 2));
  });
  it('R(−20 °C)/R(25 °C) = 8.84, 14.9, 18.3, 35.3, 44.9', () => {
    const expected = [8.84, 14.9, 18.3, 35.3, 44.9];
    ea.forEach((e, i) =>
      expect(Math.abs(arrheniusResistanceFactor(e, 253.15, 298.15) / expected[i] - 1)).toBeLessThan(0.005),
    );
  });
  it('Cheng: exp(0.2 eV/k_BT) = 2.40e3 at 298 K; conductivity is the inverse law', () => {
    // ratio of R_ct with and without a 0.2 eV barrier raise (β·ψ0 = 0.2 eV/kT)
    const kT = (1.380649e-23 * 298.15) / 1.602176634e-19;
    const ratio = chargeTransferResistanceOhmCm2(1, 0, 1, 0.2 / kT, 298.15, 298.15);
    expect(Math.abs(ratio / 2.4e3 - 1)).toBeLessThan(0.005);
    expect(chargeTransferResistanceOhmCm2(1, 0, 1, -5, 298.15, 298.15)).toBe(1);
    expect(conductivityAtTemperature(1e-3, 0.35, 333.15, 298.15) / 1e-3).toBeCloseTo(
      arrheniusResistanceFactor(0.35, 298.15, 333.15),
      10,
    );
  });
});
