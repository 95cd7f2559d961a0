import { describe, expect, it } from 'vitest';
import { BinaryCopyValueError, BinaryCopyWriter, pgTimestampMicros } from './binary-copy-writer';

// Built by hand from PostgreSQL's "COPY — Binary Format": signature, int32 flags, int32 extension length.
const HEADER = [
  ...[0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00],
  ...[0, 0, 0, 0],
  ...[0, 0, 0, 0],
];
const TRAILER = [0xff, 0xff];

function bytes(buf: Buffer): number[] {
  return [...buf];
}

/** int8 big-endian via BigInt, an independent route to the bytes the writer must produce. */
function int8Bytes(v: number): number[] {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(v));
  return [...b];
}

describe('BinaryCopyWriter', () => {
  it('writes an empty stream as header and trailer only', () => {
    expect(bytes(new BinaryCopyWriter().finish())).toEqual([...HEADER, ...TRAILER]);
  });

  it('writes a tuple as field count, then length-prefixed values, NULL as length -1', () => {
    const out = new BinaryCopyWriter().row(3).int4(7).null().text('zé').finish();
    expect(bytes(out)).toEqual([
      ...HEADER,
      ...[0, 3],
      ...[0, 0, 0, 4, 0, 0, 0, 7],
      ...[0xff, 0xff, 0xff, 0xff],
      ...[0, 0, 0, 3, 0x7a, 0xc3, 0xa9], // UTF-8, length in bytes not characters
      ...TRAILER,
    ]);
  });

  it("encodes int8 as two's complement big-endian across the safe-integer range", () => {
    for (const v of [
      0,
      1,
      -1,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 32 + 5,
      -(2 ** 40) + 3,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
    ]) {
      const out = new BinaryCopyWriter().row(1).int8(v).finish();
      expect(bytes(out.subarray(HEADER.length + 2 + 4, HEADER.length + 2 + 12)), String(v)).toEqual(
        int8Bytes(v),
      );
    }
  });

  it('encodes float8 bit-exact, including -0 and values text would round', () => {
    for (const v of [0.1 + 0.2, -0, 3.5 + 0.3 * Math.sin(1 / 500), Number.MIN_VALUE, -1e308]) {
      const out = new BinaryCopyWriter().row(1).float8(v).finish();
      expect(out.readDoubleBE(HEADER.length + 2 + 4)).toBe(v);
      expect(out.readInt32BE(HEADER.length + 2)).toBe(8);
    }
  });

  it('encodes timestamptz as microseconds since 2000-01-01T00:00:00Z', () => {
    expect(pgTimestampMicros(Date.UTC(2000, 0, 1))).toBe(0);
    expect(pgTimestampMicros(0)).toBe(-946_684_800_000_000);
    expect(pgTimestampMicros(Date.UTC(2026, 0, 1, 0, 0, 0, 123))).toBe(820_540_800_123_000);
    // sub-microsecond fractions round to the nearest microsecond, as to_timestamp() does
    expect(pgTimestampMicros(Date.UTC(2026, 0, 1) + 0.0004)).toBe(820_540_800_000_000);
    const out = new BinaryCopyWriter()
      .row(1)
      .timestamptzMs(Date.UTC(2026, 0, 1))
      .finish();
    expect(bytes(out.subarray(HEADER.length + 6, HEADER.length + 14))).toEqual(
      int8Bytes(820_540_800_000_000),
    );
  });

  it('takes pre-encoded text bytes', () => {
    const cell = Buffer.from('cell-1', 'utf8');
    const a = new BinaryCopyWriter().row(1).text(cell).finish();
    const b = new BinaryCopyWriter().row(1).text('cell-1').finish();
    expect(bytes(a)).toEqual(bytes(b));
  });

  it('grows past its initial capacity without corrupting earlier rows', () => {
    const w = new BinaryCopyWriter(32);
    for (let i = 0; i < 1000; i++)
      w.row(2)
        .int8(i)
        .text(`c${i % 7}`);
    const out = w.finish();
    expect(w.rowCount).toBe(1000);
    let at = HEADER.length;
    for (let i = 0; i < 1000; i++) {
      expect(out.readInt16BE(at)).toBe(2);
      expect(out.readInt32BE(at + 2)).toBe(8);
      expect(Number(out.readBigInt64BE(at + 6))).toBe(i);
      const len = out.readInt32BE(at + 14);
      expect(out.toString('utf8', at + 18, at + 18 + len)).toBe(`c${i % 7}`);
      at += 18 + len;
    }
    expect(bytes(out.subarray(at))).toEqual(TRAILER);
  });

  it('refuses values outside the column type instead of sending garbage', () => {
    expect(() => new BinaryCopyWriter().row(1).int4(2 ** 31)).toThrow(BinaryCopyValueError);
    expect(() => new BinaryCopyWriter().row(1).int4(1.5)).toThrow(/int4 value out of range: 1.5/);
    expect(() => new BinaryCopyWriter().row(1).int8(2 ** 53)).toThrow(BinaryCopyValueError);
    expect(() => new BinaryCopyWriter().row(1).timestamptzMs(Number.NaN)).toThrow(/timestamp not finite/);
  });

  it('refuses rows whose field count does not match what was declared', () => {
    expect(() => new BinaryCopyWriter().row(1).int4(1).int4(2)).toThrow(/more fields/);
    expect(() => new BinaryCopyWriter().row(2).int4(1).row(1)).toThrow(/missing 1 field/);
    expect(() => new BinaryCopyWriter().row(2).int4(1).finish()).toThrow(/missing 1 field/);
  });
});
