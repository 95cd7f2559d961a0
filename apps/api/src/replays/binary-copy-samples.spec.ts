import { describe, expect, it } from 'vitest';
import { BinaryCopyFormatError, decodeSampleCopy, samplePageCopySql } from './binary-copy-samples';

/** Builds a binary COPY stream the way PostgreSQL lays it out (docs: "COPY — Binary Format"). */
function copyStream(rows: (Buffer | null)[][], options: { extension?: number; trailer?: boolean } = {}) {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')];
  const header = Buffer.alloc(8);
  header.writeInt32BE(0, 0);
  header.writeInt32BE(options.extension ?? 0, 4);
  parts.push(header, Buffer.alloc(options.extension ?? 0));
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(field === null ? -1 : field.length);
      parts.push(len);
      if (field) parts.push(field);
    }
  }
  if (options.trailer !== false) parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}
const int8 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
};
const int4 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const float8 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b;
};
/** timestamptz: µs since 2000-01-01T00:00:00Z. */
const ts = (epochMs: number, extraUs = 0n) => int8((BigInt(epochMs) - 946_684_800_000n) * 1000n + extraUs);

describe('decodeSampleCopy', () => {
  it('decodes every column, nulls included, into the shape the live twin steps', () => {
    const at = Date.UTC(2026, 10, 26, 1, 2, 3, 456);
    const rows = decodeSampleCopy(
      copyStream([
        [int8(7n), ts(at), float8(3.7125), float8(-0.0025), float8(25.25), int4(3), int4(12)],
        [int8(2n ** 40n), ts(at + 1000), float8(4.2), float8(0.1), null, null, null],
      ]),
    );
    expect(rows).toEqual([
      { seq: 7, tsMs: at, voltageV: 3.7125, currentA: -0.0025, temperatureC: 25.25, cycle: 3, step: 12 },
      {
        seq: 2 ** 40,
        tsMs: at + 1000,
        voltageV: 4.2,
        currentA: 0.1,
        temperatureC: null,
        cycle: null,
        step: null,
      },
    ]);
    expect(Object.keys(rows[1])).toEqual([
      'seq',
      'tsMs',
      'voltageV',
      'currentA',
      'temperatureC',
      'cycle',
      'step',
    ]);
  });

  it('floors microseconds to whole ms like floor(extract(epoch FROM ts) * 1000), before 1970 too', () => {
    const cases: [number, bigint, number][] = [
      [Date.UTC(2026, 0, 1), 999n, Date.UTC(2026, 0, 1)],
      [Date.UTC(2026, 0, 1), -1n, Date.UTC(2026, 0, 1) - 1],
      [Date.UTC(1999, 11, 31, 23, 59, 59, 999), 999n, Date.UTC(1999, 11, 31, 23, 59, 59, 999)],
      [Date.UTC(1960, 5, 1), 1n, Date.UTC(1960, 5, 1)],
      [Date.UTC(1960, 5, 1), -1n, Date.UTC(1960, 5, 1) - 1],
      [Date.UTC(2262, 0, 1), 500n, Date.UTC(2262, 0, 1)],
    ];
    for (const [ms, extraUs, expected] of cases) {
      const [row] = decodeSampleCopy(
        copyStream([[int8(1n), ts(ms, extraUs), float8(1), float8(0), null, null, null]]),
      );
      expect(row.tsMs).toBe(expected);
    }
  });

  it('skips a header extension and accepts an empty result', () => {
    expect(decodeSampleCopy(copyStream([], { extension: 5 }))).toEqual([]);
  });

  it('names what is wrong with a stream it cannot read', () => {
    const good = [int8(1n), ts(0), float8(1), float8(0), null, null, null];
    const error = (buf: Buffer) => {
      try {
        decodeSampleCopy(buf);
      } catch (e) {
        expect(e).toBeInstanceOf(BinaryCopyFormatError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error(Buffer.from('seq\tts\n'))).toMatch(/signature/);
    expect(error(copyStream([good.slice(0, 6)]))).toMatch(/expected 7 fields, got 6/);
    expect(error(copyStream([[int4(1), ...good.slice(1)]]))).toMatch(/seq: expected 8 bytes, got 4/);
    expect(error(copyStream([[...good.slice(0, 4), int4(1), null, null]]))).toMatch(/temperature_c/);
    expect(error(copyStream([good], { trailer: false }))).toMatch(/without a trailer/);
    expect(error(copyStream([good]).subarray(0, 40))).toMatch(/truncated row/);
  });
});

describe('samplePageCopySql', () => {
  it('inlines only checked numbers and the quoted cell id', () => {
    const sql = samplePageCopySql("'c-1'", 41, 1_700_000_000_000, 500);
    expect(sql).toContain("cell_id = 'c-1' AND seq > 41 AND ts < to_timestamp(1700000000000 / 1000.0)");
    expect(sql).toMatch(/ORDER BY seq LIMIT 500\) TO STDOUT \(FORMAT binary\)$/);
    expect(samplePageCopySql("'c'", -1, null, 10)).not.toContain('to_timestamp');
    expect(() => samplePageCopySql("'c'", 1.5, null, 10)).toThrow(/afterSeq/);
    expect(() => samplePageCopySql("'c'", 1, Number.NaN, 10)).toThrow(/toMs/);
    expect(() => samplePageCopySql("'c'", 1, null, 0)).toThrow(/limit/);
  });
});
