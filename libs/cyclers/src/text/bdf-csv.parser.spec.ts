import { describe, expect, it } from 'vitest';
import { summarizeRecords } from '../summary';
import { createBdfCsvParser } from './bdf-csv.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  naiveTable,
  num,
  parseAll,
  samplesOf,
  testData,
} from './testing/parse-helpers';

describe('BDF CSV (synthetic files)', () => {
  it('preferred labels with Unix Time: absolute time, cycle from Cycle Count, no zone assumption', () => {
    const parser = createBdfCsvParser({});
    const samples = samplesOf(parseAll(parser, testData('bdf-labels.synthetic.bdf.csv')));
    expect(samples.map((s) => s.tsMs)).toEqual([0, 60, 120, 180].map((s) => (1710000000 + s) * 1000));
    expect(samples.map((s) => s.currentA)).toEqual([0, 0.5, 0.5, -0.5]);
    expect(samples.map((s) => s.step)).toEqual([1, 2, 2, 3]);
    // Ambient temperature is not the cell's temperature.
    expect(samples.every((s) => s.temperatureC === null)).toBe(true);
    expect(parser.info?.cycleColumn).toBe('Cycle Count / 1');
    expect(parser.info?.timeZoneAssumed).toBe(false);
  });

  it('machine-readable names without Unix Time: fallbackStartTimeMs + elapsed, with a warning', () => {
    const parser = createBdfCsvParser({ fallbackStartTimeMs: 1_000_000 });
    const samples = samplesOf(parseAll(parser, testData('bdf-machine.synthetic.bdf.csv')));
    expect(samples.map((s) => s.tsMs)).toEqual([1_000_500, 1_001_500]);
    expect(samples[1]).toMatchObject({ voltageV: 2.8, currentA: -0.001, step: 2, cycle: null });
    expect(parser.warnings.map((w) => w.message).join()).toMatch(/no start time/);
  });

  it('refuses a file without a current column', () => {
    const bytes = new TextEncoder().encode('test_time_second,voltage_volt\n0,3.0\n');
    expect(() => parseAll(createBdfCsvParser({}), bytes)).toThrowError(
      /^line 1: BDF file lacks the required current/,
    );
  });
});

describe.skipIf(!HAVE_FIXTURES)(`BDF CSV (real fixture) ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`, () => {
  it('SINTEF Landt reference: 25162 rows, 0.0100–2.9215 V, cycles detected from current reversals', () => {
    const records = parseAll(
      createBdfCsvParser({}),
      fixture('bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv'),
    );
    const samples = samplesOf(records);
    expect(samples).toHaveLength(25162);
    expect(samples[0].tsMs).toBe(20);
    expect(samples[25161].tsMs).toBe(262_657_764);
    const summary = summarizeRecords('bdf-csv', records);
    expect(summary.voltageMinV).toBe(0.01);
    expect(summary.voltageMaxV).toBe(2.9215);
    expect(summary.cycleSource).toBe('current-reversal');
    // Steps 1 rest → 2 discharge → 3 charge → 2 discharge: a leading discharge (cycle 0) then one cycle.
    expect(summary.cycles.map((c) => c.index)).toEqual([0, 1]);
    // Independent: step 3 is the only charge step and its current is a constant 0.0002 A (the file's
    // 4-decimal resolution), so its charge is simply duration × 0.0002 A. (The file's own
    // charging_capacity_ah, 0.0032 Ah, was computed by the Landt from the unrounded current.)
    const naive = naiveTable('bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv', {
      encoding: 'utf8',
      delimiter: ',',
      headerLine: 1,
    });
    const [step, time] = ['step_index', 'test_time_second'].map(naive.col);
    const step3 = naive.rows.filter((r) => r[step] === '3');
    const chargeAh = ((num(step3[step3.length - 1][time]) - num(step3[0][time])) / 3600) * 0.0002;
    expect(Math.abs(summary.cycles[1].chargeAh / chargeAh - 1)).toBeLessThan(1e-3);
  });
});
