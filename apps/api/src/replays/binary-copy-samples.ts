import type { SamplePoint } from '@twin/contracts';

/**
 * Decodes `COPY (SELECT seq, ts, voltage_v, current_a, temperature_c, cycle, step …) TO STDOUT
 * (FORMAT binary)` straight into `SamplePoint`s: no text decoding and no per-field parsers, which were
 * most of a replay's read cost with row objects (utf8 slices, parseFloat, the row object itself).
 * Format: PostgreSQL docs, "COPY — Binary Format" (signature, flags, header extension, then per
 * tuple an int16 field count and per field an int32 length, -1 = NULL, and the value in network order).
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const FIELDS = 7;
const TWO_32 = 4294967296;
/** timestamptz counts microseconds from 2000-01-01T00:00:00Z. */
const PG_EPOCH_MS = 946_684_800_000;

export class BinaryCopyFormatError extends Error {}

/**
 * One replay page as a binary COPY. COPY takes no bind parameters: the numbers are checked here and
 * the cell id comes already quoted by the driver (`client.escapeLiteral`).
 */
export function samplePageCopySql(
  quotedCellId: string,
  afterSeq: number,
  toMs: number | null,
  limit: number,
): string {
  if (!Number.isSafeInteger(afterSeq)) throw new RangeError(`afterSeq must be an integer (got ${afterSeq})`);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer (got ${limit})`);
  }
  if (toMs !== null && !Number.isFinite(toMs)) throw new RangeError(`toMs must be finite (got ${toMs})`);
  const before = toMs === null ? '' : ` AND ts < to_timestamp(${toMs} / 1000.0)`;
  return `COPY (SELECT seq, ts, voltage_v, current_a, temperature_c, cycle, step FROM samples
    WHERE cell_id = ${quotedCellId} AND seq > ${afterSeq}${before} ORDER BY seq LIMIT ${limit}) TO STDOUT (FORMAT binary)`;
}

/** int8 as a number; exact below 2^53 (seq is, by contract). */
function int64(buf: DataView, at: number): number {
  return buf.getInt32(at) * TWO_32 + buf.getUint32(at + 4);
}

/**
 * timestamptz → epoch ms, floored: the same whole milliseconds as `floor(extract(epoch FROM ts) * 1000)`
 * and as `pg`'s `Date` (which truncates microseconds). Split so no step exceeds 2^53: with
 * µs = hi·2^32 + lo and 2^32 = 4,294,967·1000 + 296, µs = 1000·(hi·4,294,967) + (hi·296 + lo).
 */
function timestampMs(buf: DataView, at: number): number {
  const hi = buf.getInt32(at);
  const lo = buf.getUint32(at + 4);
  return PG_EPOCH_MS + hi * 4_294_967 + Math.floor((hi * 296 + lo) / 1000);
}

function expectLength(buf: DataView, at: number, bytes: number, field: string): void {
  const len = buf.getInt32(at);
  if (len !== bytes) throw new BinaryCopyFormatError(`${field}: expected ${bytes} bytes, got ${len}`);
}

/** Offset of the first tuple after the header. */
function skipHeader(buf: Buffer): number {
  if (buf.length < 19 || !buf.subarray(0, 11).equals(SIGNATURE)) {
    throw new BinaryCopyFormatError('not a binary COPY stream (bad signature)');
  }
  // flags (bit 16 = OIDs included, which this query never asks for), then the extension length
  if (buf.readInt32BE(11) & 0x10000) throw new BinaryCopyFormatError('OID columns are not expected');
  return 19 + buf.readInt32BE(15);
}

/** One whole binary COPY output (header to trailer) of the seven sample columns, in row order. */
export function decodeSampleCopy(buf: Buffer): SamplePoint[] {
  try {
    return decodeRows(buf);
  } catch (error) {
    // DataView reads past the end throw RangeError: the stream was cut inside a row.
    if (error instanceof RangeError) throw new BinaryCopyFormatError('truncated row');
    throw error;
  }
}

function decodeRows(bytes: Buffer): SamplePoint[] {
  const out: SamplePoint[] = [];
  let at = skipHeader(bytes);
  // DataView reads are inlined by the optimiser; Buffer's readDoubleBE goes through a copy per call.
  const buf = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (;;) {
    if (at + 2 > buf.byteLength) throw new BinaryCopyFormatError('stream ended without a trailer');
    const fields = buf.getInt16(at);
    at += 2;
    if (fields === -1) return out;
    if (fields !== FIELDS) throw new BinaryCopyFormatError(`expected ${FIELDS} fields, got ${fields}`);
    expectLength(buf, at, 8, 'seq');
    const seq = int64(buf, at + 4);
    expectLength(buf, at + 12, 8, 'ts');
    const tsMs = timestampMs(buf, at + 16);
    expectLength(buf, at + 24, 8, 'voltage_v');
    const voltageV = buf.getFloat64(at + 28);
    expectLength(buf, at + 36, 8, 'current_a');
    const currentA = buf.getFloat64(at + 40);
    at += 48;
    let temperatureC: number | null = null;
    if (buf.getInt32(at) === 8) {
      temperatureC = buf.getFloat64(at + 4);
      at += 12;
    } else at = nullField(buf, at, 'temperature_c');
    let cycle: number | null = null;
    if (buf.getInt32(at) === 4) {
      cycle = buf.getInt32(at + 4);
      at += 8;
    } else at = nullField(buf, at, 'cycle');
    let step: number | null = null;
    if (buf.getInt32(at) === 4) {
      step = buf.getInt32(at + 4);
      at += 8;
    } else at = nullField(buf, at, 'step');
    // Same keys in the same order as the row objects the live twin and older replays stepped.
    out.push({ seq, tsMs, voltageV, currentA, temperatureC, cycle, step });
  }
}

function nullField(buf: DataView, at: number, field: string): number {
  const len = buf.getInt32(at);
  if (len !== -1) throw new BinaryCopyFormatError(`${field}: unexpected length ${len}`);
  return at + 4;
}
