import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectBinaryFormat } from './detect-binary-format';
import { writeSyntheticMpr } from './testing/synthetic-mpr.writer';
import { writeSyntheticNda } from './testing/synthetic-nda.writer';
import { writeSyntheticNdax, writeSyntheticNdc } from './testing/synthetic-ndax.writer';
import { writeSyntheticXlsx } from './testing/synthetic-xlsx.writer';

const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures/cyclers');
const HEAD_BYTES = 4096;

describe('detectBinaryFormat on synthetic files', () => {
  it('recognises each writer output from its first bytes', () => {
    const mpr = writeSyntheticMpr({ layout: 'v3', columns: [{ id: 4, dtype: 'f8' }], rows: [] });
    expect(detectBinaryFormat(mpr.subarray(0, 64))).toBe('biologic-mpr');
    expect(detectBinaryFormat(writeSyntheticNda([]).subarray(0, 16))).toBe('neware-nda');
    const ndax = writeSyntheticNdax({ testInfoStart: '2024-01-01 00:00:00', ndc: writeSyntheticNdc([]) });
    expect(detectBinaryFormat(ndax.subarray(0, HEAD_BYTES))).toBe('neware-ndax');
    const xlsx = writeSyntheticXlsx([{ name: 'Channel_1_1', header: ['Test_Time(s)'], rows: [] }]);
    expect(detectBinaryFormat(xlsx.subarray(0, HEAD_BYTES))).toBe('arbin-xlsx');
  });

  it('answers arbin-res for a Jet or ACE (MS Access) signature, and only for the exact one', () => {
    const access = (formatId: string, prefix = [0x00, 0x01, 0x00, 0x00]) => {
      const head = new Uint8Array(2048);
      head.set(prefix);
      head.set(new TextEncoder().encode(formatId), 4);
      return head;
    };
    expect(detectBinaryFormat(access('Standard Jet DB\0'))).toBe('arbin-res');
    expect(detectBinaryFormat(access('Standard ACE DB\0'))).toBe('arbin-res');
    expect(detectBinaryFormat(access('Standard Jet DX\0'))).toBeNull();
    expect(detectBinaryFormat(access('Standard Jet DB\0', [0x00, 0x02, 0x00, 0x00]))).toBeNull();
    expect(detectBinaryFormat(access('Standard Jet DB\0').subarray(0, 19))).toBeNull();
  });

  it('returns null for text files, other zips and tiny heads', () => {
    expect(
      detectBinaryFormat(new TextEncoder().encode('EC-Lab ASCII FILE\nNb header lines : 3\n')),
    ).toBeNull();
    const docx = writeSyntheticNdax({}).slice();
    // Rename Step.xml → word.xml so the zip holds nothing ndax- or xlsx-like.
    docx.set(new TextEncoder().encode('word.xml'), 30);
    expect(detectBinaryFormat(docx)).toBeNull();
    expect(detectBinaryFormat(new Uint8Array([0x50, 0x4b]))).toBeNull();
  });
});

describe.skipIf(!existsSync(FIXTURES))(
  'detectBinaryFormat on the fixtures (needs ../shared/fixtures)',
  () => {
    it.each([
      ['biologic/gcpl.issue_149.mpr', 'biologic-mpr'],
      ['biologic_eis/peis.mpr', 'biologic-mpr'],
      ['neware/TestFile.nda', 'neware-nda'],
      ['neware/test.ndax', 'neware-ndax'],
      ['arbin/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx', 'arbin-xlsx'],
      ['biologic/gcpl.issue_149.mpt', null],
      ['arbin/arbin_example.csv', null],
      ['arbin/arbin_example.res', 'arbin-res'],
    ])('%s → %s', (file, format) => {
      const head = readFileSync(`${FIXTURES}/${file}`).subarray(0, HEAD_BYTES);
      expect(detectBinaryFormat(head)).toBe(format);
    });
  },
);
