import { describe, expect, it } from 'vitest';
import type { CyclerFormat, ParserOptions } from '../parser.types';
import { createParser } from '../create-parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  parseAll,
  parseChunked,
  randomSizes,
  testData,
} from './testing/parse-helpers';

const SYNTHETIC: [string, CyclerFormat][] = [
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
];

const FIXTURES: [string, CyclerFormat][] = [
  ['arbin/arbin_example.csv', 'arbin-csv'],
  ['arbin/sample_data_arbin.csv', 'arbin-csv'],
  ['maccor/xTESLADIAG_000038con.078', 'maccor-txt'],
  ['maccor/maccor_example.001', 'maccor-txt'],
  ['maccor/sample_data_maccor.csv', 'maccor-txt'],
  ['biologic/gcpl.issue_149.mpt', 'biologic-mpt'],
  ['biologic/mb.issue_95.mpt', 'biologic-mpt'],
  ['biologic/mb.issue_95.de.mpt', 'biologic-mpt'],
  ['biologic/gcpl.pr_182.1.mpt', 'biologic-mpt'],
  ['biologic_eis/exampleDataBioLogic.mpt', 'biologic-mpt'],
  ['biologic_eis/peis.mpt', 'biologic-mpt'],
  ['gamry/exampleDataGamry.DTA', 'gamry-dta'],
  ['neware/neware_uio.csv', 'neware-csv'],
  ['bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv', 'bdf-csv'],
  ['battery_archive/CALCE_CX2-33_prism_LCO_25C_0-100_0.5-0.5C_d_timeseries.csv', 'battery-archive-csv'],
  ['basytec/sample_data_basytec.txt', 'basytec-txt'],
  ['novonix/sample_data_novonix.csv', 'novonix-csv'],
];

const options: ParserOptions = { fallbackStartTimeMs: 1_700_000_000_000 };

function expectChunkInvariant(bytes: Uint8Array, format: CyclerFormat, nextSize: () => number): void {
  const whole = createParser(format, options);
  const reference = parseAll(whole, bytes);
  expect(reference.length).toBeGreaterThan(0);
  const chunked = createParser(format, options);
  expect(parseChunked(chunked, bytes, nextSize)).toEqual(reference);
  expect(chunked.info).toEqual(whole.info);
  expect(chunked.warnings).toEqual(whole.warnings);
}

describe('pushing a file in arbitrary chunks gives exactly the records of one push', () => {
  it.each(SYNTHETIC)('%s, byte by byte (splits CRLF and multi-byte UTF-8)', (name, format) => {
    expectChunkInvariant(testData(name), format, () => 1);
  });

  it.each(SYNTHETIC)('%s, random chunk sizes', (name, format) => {
    expectChunkInvariant(testData(name), format, randomSizes(name.length, 13));
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `chunk invariance on real fixtures ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
  () => {
    it.each(FIXTURES)('%s', (path, format) => {
      const bytes = fixture(path);
      // Byte-by-byte for small files; random sizes (1–997 bytes) for the megabyte ones to keep the run short.
      expectChunkInvariant(bytes, format, bytes.length < 70_000 ? () => 1 : randomSizes(bytes.length, 997));
    });
  },
);
