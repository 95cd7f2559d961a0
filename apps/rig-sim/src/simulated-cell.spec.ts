import { describe, expect, it } from 'vitest';
import { DEFAULT_CELL, SimulatedCell } from './simulated-cell';

describe('SimulatedCell', () => {
  it('cycles CC-CV between its voltage limits with resistance growing per cycle', () => {
    const cell = new SimulatedCell({ ...DEFAULT_CELL, noiseV: 0 }, 0);
    const r1 = cell.resistanceOhm();
    let vMax = 0;
    let vMin = 10;
    let sawCv = false;
    for (let i = 0; i < 4 * 3600 * 3; i++) {
      const s = cell.advance(1000);
      vMax = Math.max(vMax, s.voltageV);
      vMin = Math.min(vMin, s.voltageV);
      if (s.step === 2) sawCv = true;
    }
    // 0.5 C: a full cycle takes roughly 4 h, so 12 h of simulated time gives ≥ 2 completed cycles
    expect(cell.cycleIndex).toBeGreaterThanOrEqual(3);
    expect(sawCv).toBe(true);
    expect(vMax).toBeLessThanOrEqual(DEFAULT_CELL.voltageMaxV + 0.01);
    expect(vMin).toBeGreaterThanOrEqual(DEFAULT_CELL.voltageMinV - 0.05);
    expect(cell.resistanceOhm()).toBeGreaterThan(r1);
  });
});
