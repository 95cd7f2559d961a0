import { BinaryCopyValueError } from '@twin/storage';
import { describe, expect, it } from 'vitest';
import { encodeSampleCopy, seqRangesByCell } from './sample-copy';

const HEADER_BYTES = 19;

describe('encodeSampleCopy', () => {
  it('writes the eight sample columns in COPY order, optional ones as NULL', () => {
    const tsMs = Date.UTC(2026, 0, 1);
    const out = encodeSampleCopy([
      { cellId: 'c-1', sample: { seq: 7, tsMs, voltageV: 3.7, currentA: -0.5 } },
    ]);
    let at = HEADER_BYTES;
    const next = (bytes: number) => {
      expect(out.readInt32BE(at)).toBe(bytes);
      const valueAt = at + 4;
      at = valueAt + Math.max(bytes, 0);
      return valueAt;
    };
    expect(out.readInt16BE(at)).toBe(8);
    at += 2;
    expect(out.toString('utf8', next(3), at)).toBe('c-1');
    expect(Number(out.readBigInt64BE(next(8)))).toBe(7);
    expect(Number(out.readBigInt64BE(next(8)))).toBe((tsMs - Date.UTC(2000, 0, 1)) * 1000);
    expect(out.readDoubleBE(next(8))).toBe(3.7);
    expect(out.readDoubleBE(next(8))).toBe(-0.5);
    next(-1); // temperature_c
    next(-1); // cycle
    next(-1); // step
    expect(out.readInt16BE(at)).toBe(-1);
    expect(out.length).toBe(at + 2);
  });

  it('refuses a cycle or step beyond int4 instead of sending it', () => {
    const sample = { seq: 1, tsMs: 0, voltageV: 3, currentA: 0, cycle: 2 ** 31 };
    expect(() => encodeSampleCopy([{ cellId: 'c', sample }])).toThrow(BinaryCopyValueError);
  });
});

describe('seqRangesByCell', () => {
  it('gives each cell its lowest and highest seq and its row count', () => {
    const s = (seq: number) => ({ seq, tsMs: 0, voltageV: 3, currentA: 0 });
    const ranges = seqRangesByCell([
      { cellId: 'a', sample: s(5) },
      { cellId: 'b', sample: s(1) },
      { cellId: 'a', sample: s(2) },
      { cellId: 'a', sample: s(9) },
    ]);
    expect(Object.fromEntries(ranges)).toEqual({ a: { lo: 2, hi: 9, n: 3 }, b: { lo: 1, hi: 1, n: 1 } });
  });
});
