import { describe, expect, it } from 'vitest';
import { summarizeRecords } from '../summary';
import { createBasytecTxtParser } from './basytec-txt.parser';
import { createBatteryArchiveCsvParser } from './battery-archive-csv.parser';
import { createNovonixCsvParser } from './novonix-csv.parser';
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

describe('Battery Archive CSV', () => {
  it('synthetic: start = first Date_Time − Test_Time; float cycle index; empty temperatures are null', () => {
    const parser = createBatteryArchiveCsvParser({});
    const samples = samplesOf(parseAll(parser, testData('battery-archive.synthetic.csv')));
    expect(parser.info?.startTimeMs).toBe(Date.UTC(2015, 5, 1, 12, 0, 0));
    expect(samples.map((s) => s.tsMs)).toEqual([30, 60, 90].map((s) => Date.UTC(2015, 5, 1, 12, 0, s)));
    expect(samples.map((s) => s.cycle)).toEqual([1, 1, 2]);
    expect(samples.map((s) => s.temperatureC)).toEqual([null, 26.5, 26.7]);
    expect(samples.map((s) => s.currentA)).toEqual([0, 1, -1]);
  });

  it.skipIf(!HAVE_FIXTURES)(
    `CALCE excerpt: 15 rows, +0.674 A charge ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
    () => {
      const path = 'battery_archive/CALCE_CX2-33_prism_LCO_25C_0-100_0.5-0.5C_d_timeseries.csv';
      const samples = samplesOf(parseAll(createBatteryArchiveCsvParser({}), fixture(path)));
      const naive = naiveTable(path, { encoding: 'utf8', delimiter: ',', headerLine: 1 });
      expect(samples).toHaveLength(15);
      expect(samples).toHaveLength(naive.rows.length);
      expect(samples[0].tsMs).toBe(Date.UTC(2010, 8, 2, 14, 35, 40));
      expect(samples.map((s) => s.voltageV)).toEqual(naive.rows.map((r) => num(r[naive.col('Voltage (V)')])));
      expect(samples[4].currentA).toBe(0.674);
    },
  );
});

describe('BaSyTec', () => {
  it('synthetic: "~" header lines, day-first start date, UTF-8 °C header', () => {
    const parser = createBasytecTxtParser({});
    const samples = samplesOf(parseAll(parser, testData('basytec.synthetic.txt')));
    expect(samples.map((s) => s.tsMs)).toEqual([9, 14, 19].map((s) => Date.UTC(2024, 2, 5, 7, 8, s)));
    expect(samples.map((s) => s.currentA)).toEqual([0, 0.5, 0.5]);
    expect(samples.map((s) => s.temperatureC)).toEqual([24.0, 24.1, 24.2]);
    expect(samples.map((s) => s.cycle)).toEqual([0, 1, 1]);
    expect(parser.info?.cycleColumn).toBe('Cyc-Count');
  });

  it.skipIf(!HAVE_FIXTURES)(
    `sample_data_basytec: 74 rows from 19.06.2023 17:56:53 ${NO_FIXTURES_MESSAGE}`,
    () => {
      const samples = samplesOf(
        parseAll(createBasytecTxtParser({}), fixture('basytec/sample_data_basytec.txt')),
      );
      expect(samples).toHaveLength(74);
      expect(samples[0].tsMs).toBe(Date.UTC(2023, 5, 19, 17, 56, 53));
      expect(Math.max(...samples.map((s) => s.currentA))).toBeCloseTo(0.45, 2);
    },
  );
});

describe('Novonix', () => {
  it('synthetic: [Summary] start time + Run Time in hours; capacities by the trapezoid rule', () => {
    const parser = createNovonixCsvParser({});
    const records = parseAll(parser, testData('novonix.synthetic.csv'));
    const samples = samplesOf(records);
    expect(samples.map((s) => s.tsMs)).toEqual([0, 30, 60].map((m) => Date.UTC(2024, 3, 1, 6, m)));
    expect(samples.map((s) => s.step)).toEqual([1, 1, 2]);
    // 0→0.5 h: (0 + 1 A)/2 × 0.5 h = 0.25 Ah; 0.5→1 h: +1 → −1 A crosses zero at 0.75 h,
    // giving +0.125 Ah then −0.125 Ah.
    const cycle = summarizeRecords('novonix-csv', records).cycles[0];
    expect(cycle.chargeAh).toBeCloseTo(0.375, 12);
    expect(cycle.dischargeAh).toBeCloseTo(0.125, 12);
  });

  it.skipIf(!HAVE_FIXTURES)(`sample_data_novonix: 207 rows at +0.5 A ${NO_FIXTURES_MESSAGE}`, () => {
    const samples = samplesOf(
      parseAll(createNovonixCsvParser({}), fixture('novonix/sample_data_novonix.csv')),
    );
    expect(samples).toHaveLength(207);
    expect(samples[0].tsMs).toBe(Date.UTC(2025, 6, 19, 15, 26, 20));
    expect(samples[1].currentA).toBeCloseTo(0.5, 3);
    expect(samples[1].tsMs).toBe(Date.UTC(2025, 6, 19, 15, 26, 20) + Math.round(0.0003556 * 3600 * 1000));
  });
});
