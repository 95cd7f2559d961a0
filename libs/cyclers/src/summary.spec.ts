import type { SamplePoint } from '@twin/contracts';
import { describe, expect, it } from 'vitest';
import type { ParsedRecord } from './parser.types';
import { ImportSummaryAccumulator, summarizeRecords } from './summary';
import { createBiologicMptParser } from './text/biologic-mpt.parser';
import { parseAll, testData } from './text/testing/parse-helpers';

const HOUR_MS = 3_600_000;
const sample = (seq: number, hours: number, currentA: number, cycle: number | null = null): ParsedRecord => ({
  kind: 'sample',
  sample: { seq, tsMs: hours * HOUR_MS, voltageV: 3 + seq / 100, currentA, cycle, step: null } as SamplePoint,
});

describe('summarizeRecords', () => {
  it('synthetic GCPL: per instrument cycle, trapezoid split at the zero crossing (hand-computed)', () => {
    const parser = createBiologicMptParser({});
    const records = parseAll(parser, testData('biologic-gcpl.synthetic.mpt'));
    const summary = summarizeRecords('biologic-mpt', records, parser.warnings);
    expect(summary).toMatchObject({
      format: 'biologic-mpt',
      rows: 5,
      firstTs: '2024-03-15T09:30:00.250Z',
      lastTs: '2024-03-15T09:30:40.250Z',
      voltageMinV: 3.5,
      voltageMaxV: 3.7,
      spectra: 0,
      cycleSource: 'instrument',
    });
    // Cycle 0: 10 s at (0+500 µA)/2 then 10 s at 500 µA = 7.5 mA·s. Cycle 1: +500 → −500 µA over 10 s
    // crosses zero at 5 s (+1.25 mA·s, −1.25 mA·s), then 10 s at −500 µA (−5 mA·s).
    const [c0, c1] = summary.cycles;
    expect(c0.index).toBe(0);
    expect(c0.chargeAh).toBeCloseTo(7.5e-3 / 3600, 15);
    expect(c0.dischargeAh).toBe(0);
    expect(c1.index).toBe(1);
    expect(c1.chargeAh).toBeCloseTo(1.25e-3 / 3600, 15);
    expect(c1.dischargeAh).toBeCloseTo(6.25e-3 / 3600, 15);
    expect(summary.warnings).toEqual(parser.warnings);
  });

  it('without a cycle column, a cycle is one charge plus the following discharge (leading discharge = cycle 0)', () => {
    const currents = [0, -1, -1, 0, 1, 1, -1, -1, 1, 1];
    const records = currents.map((i, k) => sample(k, k, i));
    const summary = summarizeRecords('bdf-csv', records);
    expect(summary.cycleSource).toBe('current-reversal');
    // Hand integration, 1-h steps: see the interval list in the test name's rule.
    expect(summary.cycles).toEqual([
      { index: 0, chargeAh: 0, dischargeAh: 2 },
      { index: 1, chargeAh: 1.75, dischargeAh: 1.25 },
      { index: 2, chargeAh: 1.25, dischargeAh: 0.25 },
    ]);
  });

  it('ignores rest noise below 1% of the largest current when detecting reversals', () => {
    const records = [
      sample(0, 0, 1),
      sample(1, 1, 1),
      sample(2, 2, -0.005),
      sample(3, 3, 1),
      sample(4, 4, -1),
    ];
    const indices = summarizeRecords('bdf-csv', records).cycles.map((c) => c.index);
    expect(indices).toEqual([1]);
  });

  it('counts spectra, takes first/last time over all records, and warns when time runs backwards', () => {
    const accumulator = new ImportSummaryAccumulator('gamry-dta');
    accumulator.add(sample(0, 2, 0, 1));
    accumulator.add({ kind: 'spectrum', spectrum: { tsMs: 5 * HOUR_MS, points: [] } });
    accumulator.add(sample(1, 1, 1, 1));
    const summary = accumulator.finish([{ line: 3, message: 'from parser' }]);
    expect(summary.spectra).toBe(1);
    expect(summary.rows).toBe(2);
    expect(summary.firstTs).toBe(new Date(HOUR_MS).toISOString());
    expect(summary.lastTs).toBe(new Date(5 * HOUR_MS).toISOString());
    expect(summary.cycles).toEqual([{ index: 1, chargeAh: 0, dischargeAh: 0 }]);
    expect(summary.warnings.map((w) => w.message)).toEqual([
      'from parser',
      expect.stringMatching(/backwards/),
    ]);
  });

  it('an empty import has null extremes', () => {
    expect(summarizeRecords('arbin-csv', [])).toMatchObject({
      rows: 0,
      firstTs: null,
      lastTs: null,
      voltageMinV: null,
      cycles: [],
      cycleSource: 'none',
    });
  });
});
