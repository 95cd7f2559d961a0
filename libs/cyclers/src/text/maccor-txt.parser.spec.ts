import { describe, expect, it } from 'vitest';
import { summarizeRecords } from '../summary';
import { createMaccorTxtParser } from './maccor-txt.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  oneShot,
  naiveTable,
  num,
  testData,
} from './testing/parse-helpers';

const parse = oneShot(createMaccorTxtParser);

describe('Maccor text (synthetic files)', () => {
  it('MIMS TAB export in minutes with unsigned current: the State column gives the sign', () => {
    const { parser, samples } = parse(testData('maccor-mims.synthetic.txt'));
    expect(samples.map((s) => s.currentA)).toEqual([0, 1, 1, -1, -1]);
    expect(samples.map((s) => s.tsMs)).toEqual(
      [0, 30, 60, 90, 120].map((s) => Date.UTC(2024, 0, 4, 8, 0, s)),
    );
    expect(samples.map((s) => s.cycle)).toEqual([0, 0, 0, 0, 0]);
    expect(samples.map((s) => s.step)).toEqual([1, 2, 2, 3, 3]);
    expect(parser.info?.cycleColumn).toBe('Cyc#');
    expect(parser.info?.metadata['dateOfTest']).toBe('01/04/2024');
  });

  it('2023 comma export: two metadata lines, 12-hour clock with a two-digit year', () => {
    const { parser, samples } = parse(testData('maccor-2023.synthetic.csv'));
    expect(samples.map((s) => s.tsMs)).toEqual([2, 3, 4].map((s) => Date.UTC(2024, 0, 4, 14, 15, s)));
    expect(samples.map((s) => s.currentA)).toEqual([0, 2.5, 2.5]);
    expect(samples.map((s) => s.temperatureC)).toEqual([21.5, 21.6, 21.7]);
    expect(parser.info?.cycleColumn).toBe('Cycle C');
    expect(parser.info?.metadata['dateOfTest']).toBe('04-Jan-24 2:15:00 PM');
  });

  it('rejects a truncated row', () => {
    const text = new TextDecoder()
      .decode(testData('maccor-2023.synthetic.csv'))
      .replace(',3.650,04-Jan-24 2:15:03 PM,21.6', '');
    expect(() => parse(new TextEncoder().encode(text))).toThrowError(/^line 5: expected 11 fields, found 8/);
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `Maccor text (real fixtures) ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it('xTESLADIAG: 3873 rows, cycles 0–7, cycle-0 charge ≈ 2.22 + 0.54 Ah from the step Amp-hr counters', () => {
      const { samples, records } = parse(fixture('maccor/xTESLADIAG_000038con.078'));
      expect(samples).toHaveLength(3873);
      expect(samples[0].tsMs).toBe(Date.UTC(2019, 7, 15, 16, 37, 2));
      // Elapsed 63 123.6 s after the first row's clock.
      expect(samples[3872].tsMs).toBe(Date.UTC(2019, 7, 15, 16, 37, 2) + 63_123_600);
      const summary = summarizeRecords('maccor-txt', records);
      expect(summary.cycles.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(summary.voltageMinV).toBeCloseTo(3.0, 3);
      expect(summary.voltageMaxV).toBeCloseTo(4.3, 3);
      // Independent: Amp-hr resets every step, so a cycle's charge = Σ over its charge steps of the max Amp-hr.
      const naive = naiveTable('maccor/xTESLADIAG_000038con.078', {
        encoding: 'latin1',
        delimiter: '\t',
        headerLine: 2,
      });
      const [cyc, step, ah, state] = ['Cyc#', 'Step', 'Amp-hr', 'State'].map(naive.col);
      const perStep = new Map<string, number>();
      for (const r of naive.rows) {
        if (r[cyc] !== '0' || r[state] !== 'C') continue;
        perStep.set(r[step], Math.max(perStep.get(r[step]) ?? 0, num(r[ah])));
      }
      const instrumentAh = [...perStep.values()].reduce((a, b) => a + b, 0);
      expect(instrumentAh).toBeCloseTo(2.76, 1);
      expect(summary.cycles[0].chargeAh).toBeGreaterThan(instrumentAh * 0.99);
      expect(summary.cycles[0].chargeAh).toBeLessThan(instrumentAh * 1.01);
    });

    it('maccor_example.001: 8 rest rows, times in minutes', () => {
      const { samples } = parse(fixture('maccor/maccor_example.001'));
      expect(samples).toHaveLength(8);
      expect(samples[0].tsMs).toBe(Date.UTC(2016, 2, 31, 16, 5, 31));
      // Row 2: 0.1667 min = 10.002 s after the start.
      expect(samples[1].tsMs).toBe(Date.UTC(2016, 2, 31, 16, 5, 31) + 10_002);
      expect(samples.every((s) => s.currentA === 0)).toBe(true);
    });

    it('sample_data_maccor.csv: 15 rows, +28.8 A charge', () => {
      const { samples } = parse(fixture('maccor/sample_data_maccor.csv'));
      expect(samples).toHaveLength(15);
      expect(samples[0].tsMs).toBe(Date.UTC(2023, 10, 23, 15, 56, 11));
      expect(Math.max(...samples.map((s) => s.currentA))).toBeCloseTo(28.8, 1);
    });
  },
);
