import { describe, expect, it } from 'vitest';
import { CyclerParseError } from '../parser.types';
import { summarizeRecords } from '../summary';
import { createBiologicMptParser } from './biologic-mpt.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  naiveTable,
  num,
  parseAll,
  samplesOf,
  spectraOf,
  testData,
} from './testing/parse-helpers';

const parse = (bytes: Uint8Array) => {
  const parser = createBiologicMptParser({});
  const records = parseAll(parser, bytes);
  return { parser, records, samples: samplesOf(records), spectra: spectraOf(records) };
};

describe('BioLogic .mpt (synthetic files)', () => {
  it('reads a Latin-1, CRLF, decimal-comma GCPL export with current in µA', () => {
    const { parser, samples } = parse(testData('biologic-gcpl.synthetic.mpt'));
    expect(samples).toHaveLength(5);
    // Acquisition started 03/15/2024 09:30:00.250 (US order) + time/s, UTC assumed.
    expect(samples.map((s) => s.tsMs)).toEqual(
      [0, 10, 20, 30, 40].map((s) => Date.UTC(2024, 2, 15, 9, 30, s, 250)),
    );
    expect(samples.map((s) => s.currentA)).toEqual([0, 500e-6, 500e-6, -500e-6, -500e-6]);
    expect(samples.map((s) => s.voltageV)).toEqual([3.5, 3.6, 3.7, 3.6, 3.5]);
    expect(samples.map((s) => s.cycle)).toEqual([0, 0, 0, 1, 1]);
    expect(samples.map((s) => s.step)).toEqual([0, 1, 1, 2, 2]);
    expect(samples.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(parser.info?.cycleColumn).toBe('cycle number');
    expect(parser.info?.timeZoneAssumed).toBe(true);
    expect(parser.info?.startTimeMs).toBe(Date.UTC(2024, 2, 15, 9, 30, 0, 250));
    expect(parser.info?.metadata['Electrode surface area']).toBe('0,001 cm²');
    expect(parser.warnings.some((w) => /time zone/.test(w.message))).toBe(true);
  });

  it('groups PEIS rows into spectra by cycle and by sweep restart, converting −Im(Z) to Im(Z)', () => {
    const { samples, spectra } = parse(testData('biologic-peis.synthetic.mpt'));
    expect(samples).toHaveLength(0);
    expect(spectra.map((s) => s.points.length)).toEqual([3, 2, 2]);
    expect(spectra.map((s) => s.cycle)).toEqual([1, 1, 2]);
    // Dotted date 15.03.2024 is day-first.
    expect(spectra.map((s) => s.tsMs)).toEqual([1, 10, 20].map((s) => Date.UTC(2024, 2, 15, 10, 0, s)));
    expect(spectra[0].points[0]).toEqual({ fHz: 1000, zRealOhm: 10, zImagOhm: -1 });
    expect(spectra[2].points[1]).toEqual({ fHz: 10, zRealOhm: 21, zImagOhm: -16 });
  });

  it('names the line of a non-numeric value', () => {
    const text = new TextDecoder('latin1').decode(testData('biologic-gcpl.synthetic.mpt'));
    const broken = text.replace('3,7000000E+000', '3,7x');
    const bytes = Uint8Array.from(broken, (c) => c.charCodeAt(0));
    expect(() => parse(bytes)).toThrowError(CyclerParseError);
    expect(() => parse(bytes)).toThrowError(/^line 11: column "Ewe\/V": "3,7x" is not a number/);
  });

  it('rejects a row with a missing column, naming its line', () => {
    const text = new TextDecoder('latin1').decode(testData('biologic-gcpl.synthetic.mpt'));
    const lines = text.split('\r\n');
    lines[9] = lines[9].split('\t').slice(0, 6).join('\t');
    const bytes = Uint8Array.from(lines.join('\r\n'), (c) => c.charCodeAt(0));
    expect(() => parse(bytes)).toThrowError(/^line 10: expected 8 fields, found 6/);
  });

  it('rejects a file without "Nb header lines"', () => {
    expect(() => parse(new TextEncoder().encode('EC-Lab ASCII FILE\nmode\ttime/s\n'))).toThrowError(
      /line 2: missing "Nb header lines/,
    );
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `BioLogic .mpt (real fixtures) — ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it('gcpl.issue_149: 132 rows, time from "Acquisition started on" + time/s', () => {
      const { samples, parser } = parse(fixture('biologic/gcpl.issue_149.mpt'));
      expect(samples).toHaveLength(132);
      // README: acquired 01/10/2024 11:02:29.886; time/s runs 30.153–659.986 s.
      expect(samples[0].tsMs).toBe(Date.UTC(2024, 0, 10, 11, 2, 29, 886) + 30153);
      expect(samples[131].tsMs).toBe(Date.UTC(2024, 0, 10, 11, 2, 29, 886) + 659986);
      const volts = samples.map((s) => s.voltageV);
      expect(Math.min(...volts)).toBeCloseTo(3.414, 3);
      expect(Math.max(...volts)).toBeCloseTo(3.447, 3);
      expect(Math.max(...samples.map((s) => Math.abs(s.currentA)))).toBeCloseTo(30e-6, 7);
      expect(new Set(samples.map((s) => s.cycle))).toEqual(new Set([0, 1, 2, 3]));
      expect(parser.info?.metadata['technique']).toBe('Galvanostatic Cycling with Potential Limitation');
    });

    it('mb.issue_95: the decimal-comma export parses to exactly the same records as the point export', () => {
      const point = parse(fixture('biologic/mb.issue_95.mpt'));
      const comma = parse(fixture('biologic/mb.issue_95.de.mpt'));
      expect(point.samples).toHaveLength(33);
      expect(comma.records).toEqual(point.records);
      // README: +99.3 to +100.0 mA on charge, −65.0 mA on discharge; `cycle number` is always 0.
      const currents = point.samples.map((s) => s.currentA);
      expect(Math.max(...currents)).toBeCloseTo(0.1, 3);
      expect(Math.min(...currents)).toBeCloseTo(-0.065, 3);
      expect(new Set(point.samples.map((s) => s.cycle))).toEqual(new Set([0]));
    });

    it('gcpl.pr_182.1: 3-line header, no start time → fallback + warning; matches a naive split of the file', () => {
      const parser = createBiologicMptParser({ fallbackStartTimeMs: 1_000_000 });
      const samples = samplesOf(parseAll(parser, fixture('biologic/gcpl.pr_182.1.mpt')));
      const naive = naiveTable('biologic/gcpl.pr_182.1.mpt', {
        encoding: 'latin1',
        delimiter: '\t',
        headerLine: 3,
      });
      expect(samples).toHaveLength(2533);
      expect(samples).toHaveLength(naive.rows.length);
      const t = naive.col('time/s');
      const ewe = naive.col('Ewe/V');
      const i = naive.col('<I>/mA');
      for (const k of [0, 1, 1000, 2532]) {
        expect(samples[k].tsMs).toBe(Math.round(1_000_000 + num(naive.rows[k][t]) * 1000));
        expect(samples[k].voltageV).toBe(num(naive.rows[k][ewe]));
        expect(samples[k].currentA).toBeCloseTo(num(naive.rows[k][i]) / 1000, 15);
      }
      expect(parser.info?.startTimeMs).toBeNull();
      expect(parser.warnings.some((w) => /no start time/.test(w.message))).toBe(true);
      // README: 0.0038–2.3546 V; cycles 0–4.
      expect(Math.min(...samples.map((s) => s.voltageV))).toBeCloseTo(0.0038, 4);
      expect(Math.max(...samples.map((s) => s.voltageV))).toBeCloseTo(2.3546, 4);
      expect(new Set(samples.map((s) => s.cycle)).size).toBe(5);
    });

    it('gcpl.pr_182.1: cycle-1 charge capacity agrees with EC-Lab Q charge (2.616 mA·h) within 1%', () => {
      const records = parseAll(createBiologicMptParser({}), fixture('biologic/gcpl.pr_182.1.mpt'));
      const cycle1 = summarizeRecords('biologic-mpt', records).cycles.find((c) => c.index === 1);
      // EC-Lab integrates the interval-averaged <I> (right Riemann) while we use the trapezoid rule; the
      // 10-minute record interval at the end of the CC step accounts for the ~0.7% difference.
      expect(cycle1?.chargeAh).toBeGreaterThan(0.002616 * 0.99);
      expect(cycle1?.chargeAh).toBeLessThan(0.002616 * 1.01);
    });

    it('exampleDataBioLogic (PEIS): one spectrum of 43 points, 1000.32 Hz → 0.0169 Hz, capacitive Im(Z) < 0', () => {
      const { spectra, samples } = parse(fixture('biologic_eis/exampleDataBioLogic.mpt'));
      expect(samples).toHaveLength(0);
      expect(spectra).toHaveLength(1);
      const points = spectra[0].points;
      expect(points).toHaveLength(43);
      expect(points[0].fHz).toBeCloseTo(1000.32, 2);
      expect(points[42].fHz).toBeCloseTo(0.0169, 4);
      // First row's −Im(Z) is +0.38998979 Ω (README: the column is −Im(Z)).
      expect(points[0].zImagOhm).toBeCloseTo(-0.38998979, 8);
      expect(spectra[0].cycle).toBe(1);
      expect(spectra[0].tsMs).toBe(Date.UTC(2018, 1, 4, 10, 2, 46) + Math.round(0.7836904905780102 * 1000));
    });

    it('peis.mpt: 32 frequencies from 199 998 Hz to 1 Hz', () => {
      const { spectra } = parse(fixture('biologic_eis/peis.mpt'));
      expect(spectra).toHaveLength(1);
      expect(spectra[0].points).toHaveLength(32);
      expect(spectra[0].points[0].fHz).toBeCloseTo(199998, -1);
      expect(spectra[0].points[31].fHz).toBeCloseTo(1.0, 2);
    });
  },
);
