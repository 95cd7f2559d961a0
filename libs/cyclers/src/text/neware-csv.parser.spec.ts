import { describe, expect, it } from 'vitest';
import { summarizeRecords } from '../summary';
import { createNewareCsvParser } from './neware-csv.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  oneShot,
  naiveTable,
  num,
  testData,
} from './testing/parse-helpers';

const parse = oneShot(createNewareCsvParser);

describe('Neware CSV (synthetic file)', () => {
  it('reads H:MM:SS cumulative time past 24 h, mA current, and signs |I| from the step type', () => {
    const { parser, samples } = parse(testData('neware.synthetic.csv'));
    expect(samples.map((s) => s.currentA)).toEqual([0, 0.005, 0.005, -0.005]);
    expect(samples.map((s) => s.tsMs)).toEqual([
      Date.UTC(2024, 1, 10, 23, 59, 58),
      Date.UTC(2024, 1, 11, 0, 0, 0),
      Date.UTC(2024, 1, 11, 0, 0, 2),
      Date.UTC(2024, 1, 11, 0, 0, 4),
    ]);
    // Start = first Date − its cumulative time (23:59:58).
    expect(parser.info?.startTimeMs).toBe(Date.UTC(2024, 1, 10, 0, 0, 0));
    expect(parser.info?.cycleColumn).toBe('Cycle Index');
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `Neware CSV (real fixture) ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it('neware_uio.csv: 9065 rows, cycles 1–4, cumulative time to 144:02:18', () => {
      const { samples, records } = parse(fixture('neware/neware_uio.csv'));
      expect(samples).toHaveLength(9065);
      expect(samples[0].tsMs).toBe(Date.UTC(2022, 4, 18, 16, 27, 52));
      expect(samples[9064].tsMs - samples[0].tsMs).toBe((144 * 3600 + 2 * 60 + 18) * 1000);
      const summary = summarizeRecords('neware-csv', records);
      expect(summary.cycles.map((c) => c.index)).toEqual([1, 2, 3, 4]);
      expect(summary.voltageMinV).toBeCloseTo(0.05, 3);
      // Independent: DChg. Cap.(Ah) resets every step, so cycle 1 discharge = Σ per-step maxima.
      const naive = naiveTable('neware/neware_uio.csv', { encoding: 'utf8', delimiter: ',', headerLine: 1 });
      const [cyc, step, cap] = ['Cycle Index', 'Step Index', 'DChg. Cap.(Ah)'].map(naive.col);
      const perStep = new Map<string, number>();
      for (const r of naive.rows) {
        if (r[cyc] !== '1') continue;
        perStep.set(r[step], Math.max(perStep.get(r[step]) ?? 0, num(r[cap])));
      }
      const instrumentAh = [...perStep.values()].reduce((a, b) => a + b, 0);
      expect(summary.cycles[0].dischargeAh).toBeGreaterThan(instrumentAh * 0.98);
      expect(summary.cycles[0].dischargeAh).toBeLessThan(instrumentAh * 1.02);
    });
  },
);
