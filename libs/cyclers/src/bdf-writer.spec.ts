import type { SamplePoint } from '@twin/contracts';
import { describe, expect, it } from 'vitest';
import { writeBdfCsv } from './bdf-writer';
import { createArbinCsvParser } from './text/arbin-csv.parser';
import { createBdfCsvParser } from './text/bdf-csv.parser';
import { createNewareCsvParser } from './text/neware-csv.parser';
import {
  HAVE_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixture,
  parseAll,
  parseChunked,
  samplesOf,
  testData,
} from './text/testing/parse-helpers';

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

async function* asAsync<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

describe('writeBdfCsv', () => {
  it('writes the BDF preferred-label header and exact decimal seconds', async () => {
    const samples: SamplePoint[] = [
      { seq: 0, tsMs: 1700000000000, voltageV: 3.2, currentA: 0, temperatureC: 25.5, cycle: 1, step: 1 },
      { seq: 1, tsMs: 1700000000300, voltageV: 3.3, currentA: -2, temperatureC: null, cycle: null, step: 2 },
    ];
    const text = (await collect(writeBdfCsv(asAsync(samples)))).join('');
    expect(text.split('\n')).toEqual([
      'Test Time / s,Voltage / V,Current / A,Unix Time / s,Cycle Count / 1,Step Index / 1,Surface Temperature T1 / degC',
      '0,3.2,0,1700000000,1,1,25.5',
      '0.3,3.3,-2,1700000000.3,,2,',
      '',
    ]);
  });

  it('round-trips through the BDF parser (synthetic Arbin samples, output fed back byte by byte)', async () => {
    const original = samplesOf(parseAll(createArbinCsvParser({}), testData('arbin-tri.synthetic.csv')));
    const chunks = await collect(writeBdfCsv(asAsync(original), { rowsPerChunk: 2 }));
    expect(chunks.length).toBe(3);
    const bytes = new TextEncoder().encode(chunks.join(''));
    const reread = samplesOf(parseChunked(createBdfCsvParser({}), bytes, () => 1));
    expect(reread).toEqual(original);
  });

  it.skipIf(!HAVE_FIXTURES)(
    `round-trips the 9065-row Neware fixture ${HAVE_FIXTURES ? '' : NO_FIXTURES_MESSAGE}`,
    async () => {
      const original = samplesOf(parseAll(createNewareCsvParser({}), fixture('neware/neware_uio.csv')));
      const text = (await collect(writeBdfCsv(original))).join('');
      const reread = samplesOf(parseAll(createBdfCsvParser({}), new TextEncoder().encode(text)));
      expect(reread).toHaveLength(9065);
      expect(reread).toEqual(original);
    },
  );
});
