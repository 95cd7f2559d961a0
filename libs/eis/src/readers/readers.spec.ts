import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EisInputError } from '../eis-input-error';
import { readBioLogicSpectrum } from './biologic-reader';
import { readCsvSpectrum } from './csv-reader';
import { readGamrySpectrum } from './gamry-reader';
import { readZPlotSpectrum } from './zplot-reader';

const testData = (name: string, encoding: BufferEncoding = 'utf8'): string =>
  readFileSync(resolve(__dirname, '../../test-data', name), encoding);

// Every mini file holds the same three points (written by hand in test-data/).
const EXPECTED = { frequenciesHz: [1e4, 100, 1], zRealOhm: [10, 35, 60], zImagOhm: [-2, -12.5, -1] };

describe('spectrum readers on hand-written files', () => {
  it('ZPlot .z with comment block (tab, CRLF) and without (comma-separated)', () => {
    expect(readZPlotSpectrum(testData('mini.z'))).toEqual(EXPECTED);
    expect(readZPlotSpectrum(testData('mini-no-comments.z'))).toEqual({
      frequenciesHz: [1e4, 100],
      zRealOhm: [10, 35],
      zImagOhm: [-2, -12.5],
    });
  });

  it('headerless CSV, skipping non-numeric lines', () => {
    expect(readCsvSpectrum(testData('mini.csv'))).toEqual(EXPECTED);
  });

  it('BioLogic .mpt: negates −Im(Z) and skips a row with a missing frequency', () => {
    expect(readBioLogicSpectrum(testData('mini.mpt', 'latin1'))).toEqual(EXPECTED);
  });

  it('Gamry .DTA: ZCURVE table by column title, stops at the end of the table', () => {
    expect(readGamrySpectrum(testData('mini.DTA', 'latin1'))).toEqual(EXPECTED);
  });

  it('throws EisInputError when there is no spectrum', () => {
    expect(() => readCsvSpectrum('a,b,c\n')).toThrow(EisInputError);
    expect(() => readGamrySpectrum('EXPLAIN\n')).toThrow(EisInputError);
    expect(() => readBioLogicSpectrum('Nb header lines : 2\nfoo\tbar\n1\t2\n')).toThrow(EisInputError);
  });
});
