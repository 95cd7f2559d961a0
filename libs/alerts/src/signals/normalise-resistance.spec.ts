import { describe, expect, it } from 'vitest';
import { normaliseResistance } from './normalise-resistance';

describe('normaliseResistance', () => {
  it('reproduces the Arrhenius factors of docs/physics.md §1.8 (R(25 °C)/R(60 °C))', () => {
    // Check values [D] in physics.md: 3.63 for Ea 0.315 eV, 4.93 for 0.39 eV, 8.21 for 0.515 eV.
    for (const [ea, ratio] of [
      [0.315, 3.63],
      [0.39, 4.93],
      [0.515, 8.21],
    ]) {
      const at25 = normaliseResistance({ resistance: 1, temperatureC: 60 }, { activationEnergyEv: ea });
      expect(at25).toBeCloseTo(ratio, 2);
    }
  });

  it('is the identity at the reference temperature and inverts a forward Arrhenius shift', () => {
    expect(normaliseResistance({ resistance: 12.5, temperatureC: 25 }, { activationEnergyEv: 0.4 })).toBe(
      12.5,
    );
    // Forward: R(T) = R_ref·exp[(Ea/kB)(1/T − 1/T_ref)], written out independently with kB = 8.617333262e-5 eV/K.
    const rRef = 30;
    const t = 273.15 + 45;
    const tRef = 273.15 + 30;
    const rT = rRef * Math.exp((0.42 / 8.617333262e-5) * (1 / t - 1 / tRef));
    const back = normaliseResistance(
      { resistance: rT, temperatureC: 45 },
      { activationEnergyEv: 0.42, referenceTemperatureC: 30 },
    );
    expect(back).toBeCloseTo(rRef, 10);
  });

  it('divides by the SOC shape function', () => {
    const shape = (soc: number) => 1 + 4 * (soc - 0.5) ** 2;
    const r = normaliseResistance(
      { resistance: 20, temperatureC: 25, soc: 0.9 },
      { activationEnergyEv: 0.3, socShape: shape },
    );
    expect(r).toBeCloseTo(20 / 1.64, 12);
    expect(() =>
      normaliseResistance({ resistance: 20, temperatureC: 25 }, { activationEnergyEv: 0.3, socShape: shape }),
    ).toThrow(/soc/);
  });
});
