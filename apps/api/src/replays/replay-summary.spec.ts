import { describe, expect, it } from 'vitest';
import { ReplaySummaryBuilder } from './replay-summary';

const outputs = (potentialDropV: number, r: number | null, regime: string) => ({
  interface: { potentialDropV, predictedInterfaceResistanceOhmCm2: r, thicknessNm: 2 * potentialDropV },
  regime,
});

describe('ReplaySummaryBuilder', () => {
  it('aggregates per cell and cycle: means, maxima, regime shares, capacity and alerts', () => {
    const b = new ReplaySummaryBuilder(['a', 'b']);
    b.addSample(0, 1, 1000, outputs(0.1, 10, 'electrostatic'));
    b.addSample(0, 1, 2000, outputs(0.3, 20, 'electrostatic'));
    b.addSample(0, 1, 3000, outputs(0.2, null, 'mechanical'));
    b.addSample(0, 2, 4000, outputs(0.5, 40, 'mixed'));
    b.addSample(1, 1, 1500, { measuredInterfaceResistanceOhmCm2: 33 });
    b.setCapacity(0, {
      index: 1,
      startTs: '',
      endTs: '',
      samples: 3,
      chargeAh: 0.004,
      dischargeAh: 0.003,
      coulombicEfficiency: 0.75,
      chargeEnergyWh: 0,
      dischargeEnergyWh: 0,
      meanChargeVoltageV: null,
      meanDischargeVoltageV: null,
      temperatureMinC: null,
      temperatureMaxC: null,
    });
    b.addAlert(0, 1, 'open', 'r1', 2500);
    b.addAlert(0, 1, 'resolve', 'r1', 2900);
    b.addAlert(0, null, 'open', 'r2', 4000); // no cycle: booked to the cell's current cycle (2)
    const [a, cb] = b.build();
    expect(a.cellId).toBe('a');
    expect(a.cycles.map((c) => c.cycle)).toEqual([1, 2]);
    const c1 = a.cycles[0];
    expect(c1.samples).toBe(3);
    expect(c1.startTs).toBe('1970-01-01T00:00:01.000Z');
    expect(c1.endTs).toBe('1970-01-01T00:00:03.000Z');
    expect(c1.scl.potentialDropV.mean).toBeCloseTo(0.2, 15);
    expect(c1.scl.potentialDropV.max).toBe(0.3);
    expect(c1.scl.thicknessNm.max).toBe(0.6);
    expect(c1.scl.debyeLengthNm).toEqual({ mean: null, max: null });
    expect(c1.interfaceResistanceOhmCm2).toEqual({ mean: 15, max: 20, last: 20, measured: null });
    expect(c1.regimeShares).toEqual({ electrostatic: 2 / 3, mechanical: 1 / 3 });
    expect([c1.chargeAh, c1.dischargeAh, c1.coulombicEfficiency]).toEqual([0.004, 0.003, 0.75]);
    expect(c1.alerts).toEqual({ opened: 1, resolved: 1, ruleIds: ['r1'] });
    expect(a.cycles[1].alerts).toEqual({ opened: 1, resolved: 0, ruleIds: ['r2'] });
    expect(a.cycles[1].dischargeAh).toBeNull();
    expect(cb.cycles[0].interfaceResistanceOhmCm2.measured).toBe(33);
    expect(cb.cycles[0].regimeShares).toEqual({});
  });
});
