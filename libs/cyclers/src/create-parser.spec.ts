import { describe, expect, it } from 'vitest';
import { createParser } from './create-parser';
import { parseAll, parseChunked, testData } from './text/testing/parse-helpers';

describe("createParser('auto')", () => {
  it('buffers small chunks until it can detect, then yields the same records as the explicit parser', () => {
    const bytes = testData('maccor-mims.synthetic.txt');
    const explicit = parseAll(createParser('maccor-txt'), bytes);
    const auto = createParser('auto', { fileName: 'channel.078' });
    expect(auto.info).toBeNull();
    expect(parseChunked(auto, bytes, () => 7)).toEqual(explicit);
    expect(auto.info?.format).toBe('maccor-txt');
  });

  it('passes options through to the detected parser', () => {
    const auto = createParser('auto', { fallbackStartTimeMs: 5000 });
    const records = parseAll(auto, testData('bdf-machine.synthetic.bdf.csv'));
    expect(records.map((r) => (r.kind === 'sample' ? r.sample.tsMs : -1))).toEqual([5500, 6500]);
  });

  it('reports unknown content at end() when the file is shorter than the detection window', () => {
    const auto = createParser('auto', { fileName: 'mystery.txt' });
    expect(auto.push(new TextEncoder().encode('just some text\n'))).toEqual([]);
    expect(() => auto.end()).toThrowError(/mystery.txt/);
  });
});
