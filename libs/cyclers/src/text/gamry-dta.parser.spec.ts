import { describe, expect, it } from 'vitest';
import { createGamryDtaParser } from './gamry-dta.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  parseAll,
  samplesOf,
  spectraOf,
  testData,
} from './testing/parse-helpers';

const parse = (bytes: Uint8Array) => {
  const parser = createGamryDtaParser({});
  const records = parseAll(parser, bytes);
  return { parser, records, samples: samplesOf(records), spectra: spectraOf(records) };
};

describe('Gamry DTA (synthetic file)', () => {
  it('OCV and cycling CURVE tables → samples; ZCURVE → one spectrum; NOTES lines skipped', () => {
    const { samples, spectra, parser } = parse(testData('gamry.synthetic.DTA'));
    expect(samples.map((s) => s.tsMs)).toEqual(
      [500, 1000, 2000, 3000, 4000].map((ms) => Date.UTC(2024, 2, 15, 9, 5, 0) + ms),
    );
    expect(samples.map((s) => s.voltageV)).toEqual([3.701, 3.702, 3.75, 3.8, 3.7]);
    // OCV tables have no current column: open circuit is 0 A.
    expect(samples.map((s) => s.currentA)).toEqual([0, 0, 0.01, 0.01, -0.01]);
    // −327.67 °C is Gamry's "no sensor" value.
    expect(samples.map((s) => s.temperatureC)).toEqual([null, null, 25.0, 25.1, 25.2]);
    expect(spectra).toHaveLength(1);
    expect(spectra[0].tsMs).toBe(Date.UTC(2024, 2, 15, 9, 5, 10));
    expect(spectra[0].points).toEqual([
      { fHz: 1000, zRealOhm: 5, zImagOhm: -1 },
      { fHz: 100, zRealOhm: 6, zImagOhm: -3 },
      { fHz: 10, zRealOhm: 9, zImagOhm: -7 },
    ]);
    expect(parser.info?.metadata['tag']).toBe('CHRONOP');
  });

  it('throws when a table has fewer rows than it declares (truncated file)', () => {
    const text = new TextDecoder('latin1').decode(testData('gamry.synthetic.DTA'));
    const cut = text.slice(0, text.indexOf('\t2\t4.0'));
    const bytes = Uint8Array.from(cut, (c) => c.charCodeAt(0));
    expect(() => parse(bytes)).toThrowError(/CURVE declares 3 rows but has 2/);
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `Gamry DTA (real fixture) ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it('exampleDataGamry: 387 OCV samples and one 72-point spectrum from 200 015.6 Hz to 0.0158898 Hz', () => {
      const { samples, spectra } = parse(fixture('gamry/exampleDataGamry.DTA'));
      expect(samples).toHaveLength(387);
      const start = Date.UTC(2018, 3, 23, 16, 43, 15);
      expect(samples[0].tsMs).toBe(start + 258);
      expect(samples[386].tsMs).toBe(start + 99975);
      expect(samples[0].voltageV).toBeCloseTo(-0.346699, 6);
      expect(spectra).toHaveLength(1);
      const points = spectra[0].points;
      expect(points).toHaveLength(72);
      expect(points[0]).toEqual({ fHz: 200015.6, zRealOhm: 825.8584, zImagOhm: -1367.239 });
      expect(points[71].fHz).toBe(0.0158898);
      expect(points.every((p) => p.zImagOhm < 0)).toBe(true);
    });
  },
);
