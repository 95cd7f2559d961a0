import { describe, expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, detectFormat, UnknownFormatError } from './detect-format';
import type { CyclerFormat } from './parser.types';
import { HAVE_FIXTURES, NO_FIXTURES_MESSAGE, fixture, testData } from './text/testing/parse-helpers';

const head = (bytes: Uint8Array) => bytes.subarray(0, DETECT_HEAD_BYTES);

describe('detectFormat on our synthetic files (content only, misleading names)', () => {
  it.each<[string, CyclerFormat]>([
    ['biologic-gcpl.synthetic.mpt', 'biologic-mpt'],
    ['biologic-peis.synthetic.mpt', 'biologic-mpt'],
    ['arbin-tri.synthetic.csv', 'arbin-csv'],
    ['arbin-2024.synthetic.csv', 'arbin-csv'],
    ['maccor-mims.synthetic.txt', 'maccor-txt'],
    ['maccor-2023.synthetic.csv', 'maccor-txt'],
    ['neware.synthetic.csv', 'neware-csv'],
    ['gamry.synthetic.DTA', 'gamry-dta'],
    ['bdf-labels.synthetic.bdf.csv', 'bdf-csv'],
    ['bdf-machine.synthetic.bdf.csv', 'bdf-csv'],
    ['battery-archive.synthetic.csv', 'battery-archive-csv'],
    ['basytec.synthetic.txt', 'basytec-txt'],
    ['novonix.synthetic.csv', 'novonix-csv'],
  ])('%s → %s', (name, format) => {
    expect(detectFormat(head(testData(name)), 'upload.bin')).toBe(format);
  });

  it('throws a clear error for unknown content, and explains a .res without the Access signature', () => {
    const bytes = new TextEncoder().encode('hello,world\n1,2\n');
    expect(() => detectFormat(bytes, 'notes.csv')).toThrowError(UnknownFormatError);
    expect(() => detectFormat(bytes, 'notes.csv')).toThrowError(/"notes.csv": first line "hello,world"/);
    expect(() => detectFormat(new Uint8Array([0, 1, 0, 0, 0x53, 0x74]), 'x.res')).toThrowError(
      /MS Access|Access/,
    );
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `detectFormat on real fixtures ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it.each<[string, CyclerFormat]>([
      ['arbin/arbin_example.csv', 'arbin-csv'],
      ['arbin/sample_data_arbin.csv', 'arbin-csv'],
      ['maccor/xTESLADIAG_000038con.078', 'maccor-txt'],
      ['maccor/maccor_example.001', 'maccor-txt'],
      ['maccor/sample_data_maccor.csv', 'maccor-txt'],
      ['biologic/gcpl.issue_149.mpt', 'biologic-mpt'],
      ['biologic/mb.issue_95.de.mpt', 'biologic-mpt'],
      ['biologic/gcpl.pr_182.1.mpt', 'biologic-mpt'],
      ['biologic_eis/peis.mpt', 'biologic-mpt'],
      ['gamry/exampleDataGamry.DTA', 'gamry-dta'],
      ['neware/neware_uio.csv', 'neware-csv'],
      ['bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv', 'bdf-csv'],
      ['battery_archive/CALCE_CX2-33_prism_LCO_25C_0-100_0.5-0.5C_d_timeseries.csv', 'battery-archive-csv'],
      ['basytec/sample_data_basytec.txt', 'basytec-txt'],
      ['novonix/sample_data_novonix.csv', 'novonix-csv'],
    ])('%s → %s', (path, format) => {
      expect(detectFormat(head(fixture(path)))).toBe(format);
    });

    it('recognises the Arbin .res (Access) database', () => {
      expect(detectFormat(head(fixture('arbin/arbin_example.res')), 'arbin_example.res')).toBe('arbin-res');
    });

    it('refuses the Battery Archive per-cycle summary (not a time series)', () => {
      const cycleData = fixture('battery_archive/CALCE_CX2-33_prism_LCO_25C_0-100_0.5-0.5C_d_cycle_data.csv');
      expect(() => detectFormat(head(cycleData))).toThrowError(UnknownFormatError);
    });
  },
);
