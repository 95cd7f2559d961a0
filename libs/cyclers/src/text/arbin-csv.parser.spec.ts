import { describe, expect, it } from 'vitest';
import { summarizeRecords } from '../summary';
import { createArbinCsvParser } from './arbin-csv.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  oneShot,
  naiveTable,
  num,
  testData,
} from './testing/parse-helpers';

const parse = oneShot(createArbinCsvParser);

describe('Arbin CSV (synthetic files)', () => {
  it('TRI layout: Unix-epoch DateTime anchors Test_Time; no zone assumption needed', () => {
    const { parser, samples } = parse(testData('arbin-tri.synthetic.csv'));
    expect(samples.map((s) => s.tsMs)).toEqual([1700000000000, 1700000001500, 1700000003500, 1700000005500]);
    expect(samples.map((s) => s.currentA)).toEqual([0, 2, 2, -1]);
    expect(samples.map((s) => s.cycle)).toEqual([1, 1, 1, 2]);
    expect(samples.map((s) => s.step)).toEqual([1, 2, 2, 3]);
    expect(samples.map((s) => s.temperatureC)).toEqual([25.5, 25.6, 25.7, 25.8]);
    expect(parser.info?.timeZoneAssumed).toBe(false);
    expect(parser.info?.cycleColumn).toBe('Cycle_Index');
    expect(parser.warnings).toEqual([]);
  });

  it('2024 layout: BOM, TAB-prefixed local dates, empty cells, no final newline', () => {
    const { parser, samples } = parse(testData('arbin-2024.synthetic.csv'));
    expect(samples).toHaveLength(3);
    expect(samples.map((s) => s.tsMs)).toEqual([0, 10, 20].map((s) => Date.UTC(2024, 0, 2, 13, 0, s, 500)));
    expect(parser.info?.startTimeMs).toBe(Date.UTC(2024, 0, 2, 12, 59, 50, 500));
    expect(samples.map((s) => s.temperatureC)).toEqual([null, 24.5, 24.6]);
    expect(samples[2]).toMatchObject({ voltageV: 3.65, currentA: 1.5, cycle: 1, step: 2 });
    expect(parser.info?.timeZoneAssumed).toBe(true);
  });

  it('rejects a non-numeric current with the line number', () => {
    const text = new TextDecoder()
      .decode(testData('arbin-tri.synthetic.csv'))
      .replace(',2,3.3,', ',two,3.3,');
    expect(() => parse(new TextEncoder().encode(text))).toThrowError(/^line 3: column "Current": "two"/);
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `Arbin CSV (real fixtures) ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it('arbin_example.csv: 2142 rows, 2017-07-02 14:39:13 → 16:24:21 UTC, cycles 1–2', () => {
      const { samples, records } = parse(fixture('arbin/arbin_example.csv'));
      expect(samples).toHaveLength(2142);
      expect(samples[0].tsMs).toBe(Date.UTC(2017, 6, 2, 14, 39, 13));
      expect(Math.floor(samples[2141].tsMs / 1000)).toBe(Date.UTC(2017, 6, 2, 16, 24, 21) / 1000);
      const summary = summarizeRecords('arbin-csv', records);
      expect(summary.cycles.map((c) => c.index)).toEqual([1, 2]);
      // Independent: the instrument's own per-cycle Charge_Capacity counter (resets each cycle).
      const naive = naiveTable('arbin/arbin_example.csv', {
        encoding: 'utf8',
        delimiter: ',',
        headerLine: 1,
      });
      const cyc = naive.col('Cycle_Index');
      const qc = naive.col('Charge_Capacity');
      const cycle1 = naive.rows.filter((r) => r[cyc] === '1').map((r) => num(r[qc]));
      const instrumentAh = Math.max(...cycle1) - cycle1[0];
      expect(summary.cycles[0].chargeAh).toBeGreaterThan(instrumentAh * 0.99);
      expect(summary.cycles[0].chargeAh).toBeLessThan(instrumentAh * 1.01);
      const volts = naive.rows.map((r) => num(r[naive.col('Voltage')]));
      expect(summary.voltageMinV).toBe(Math.min(...volts));
      expect(summary.voltageMaxV).toBe(Math.max(...volts));
    });

    it('sample_data_arbin.csv: 13 rows, +2.65 A charge in step 3', () => {
      const { samples } = parse(fixture('arbin/sample_data_arbin.csv'));
      expect(samples).toHaveLength(13);
      expect(samples[0].tsMs).toBe(Date.UTC(2024, 8, 20, 8, 32, 34, 558));
      const step3 = samples.filter((s) => s.step === 3);
      expect(step3.length).toBeGreaterThan(0);
      for (const s of step3) expect(s.currentA).toBeCloseTo(2.65, 2);
    });
  },
);
