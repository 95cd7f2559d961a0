/**
 * Encodes rows for `COPY … FROM STDIN (FORMAT binary)`. Format: PostgreSQL docs, "COPY — Binary
 * Format": an 11-byte signature, int32 flags, int32 header-extension length, then per tuple an int16
 * field count and per field an int32 byte length (-1 = NULL) followed by the value in network byte
 * order (the type's `send` representation), and an int16 -1 trailer.
 *
 * Binary rather than text COPY: numbers go in as their 8 bytes, so nothing is formatted to decimal
 * on this side or parsed back on the server's, and float8 values arrive bit-exact.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 8;
const TWO_32 = 4_294_967_296;
/** timestamptz counts microseconds from 2000-01-01T00:00:00Z; Unix time starts 946,684,800 s earlier. */
const PG_EPOCH_UNIX_SECONDS = 946_684_800;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

export class BinaryCopyValueError extends RangeError {}

/** Round half to even, as C's rint() in the default rounding mode (what PostgreSQL uses). */
function rint(x: number): number {
  const r = Math.round(x);
  // Math.round sends .5 up; rint sends it to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Microseconds since the PostgreSQL epoch for Unix-epoch milliseconds, computed exactly as
 * `to_timestamp(ms / 1000.0)` does on the server (float8 seconds, shifted, times 1e6, rint), so a
 * row has the same timestamp whichever path wrote it.
 */
export function pgTimestampMicros(unixMs: number): number {
  return rint((unixMs / 1000 - PG_EPOCH_UNIX_SECONDS) * 1e6);
}

/**
 * Appends tuples to a growing buffer. Call `row(n)` and then exactly n field writers per tuple;
 * `finish()` returns header + tuples + trailer. Values outside a column type's range throw
 * `BinaryCopyValueError` naming the value, instead of reaching the server as garbage.
 */
export class BinaryCopyWriter {
  private buf: Buffer;
  private at: number;
  private fieldsLeft = 0;
  private rows = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(initialBytes, HEADER_BYTES + 2));
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeInt32BE(0, SIGNATURE.length); // flags: no OIDs
    this.buf.writeInt32BE(0, SIGNATURE.length + 4); // no header extension
    this.at = HEADER_BYTES;
  }

  get rowCount(): number {
    return this.rows;
  }

  row(fieldCount: number): this {
    if (this.fieldsLeft !== 0) throw new Error(`previous row is missing ${this.fieldsLeft} field(s)`);
    this.reserve(2);
    this.buf.writeInt16BE(fieldCount, this.at);
    this.at += 2;
    this.fieldsLeft = fieldCount;
    this.rows += 1;
    return this;
  }

  null(): this {
    this.field(0, -1);
    return this;
  }

  int4(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new BinaryCopyValueError(`int4 value out of range: ${value}`);
    }
    const at = this.field(4);
    this.buf.writeInt32BE(value, at);
    return this;
  }

  /** Exact for safe integers (|v| < 2^53), which is what a JS number can hold exactly anyway. */
  int8(value: number): this {
    if (!Number.isSafeInteger(value))
      throw new BinaryCopyValueError(`int8 value not a safe integer: ${value}`);
    const at = this.field(8);
    const hi = Math.floor(value / TWO_32);
    this.buf.writeInt32BE(hi, at);
    this.buf.writeUInt32BE(value - hi * TWO_32, at + 4);
    return this;
  }

  float8(value: number): this {
    const at = this.field(8);
    this.buf.writeDoubleBE(value, at);
    return this;
  }

  /** timestamptz from Unix-epoch milliseconds (fractions allowed; rounded to µs like to_timestamp). */
  timestamptzMs(unixMs: number): this {
    if (!Number.isFinite(unixMs)) throw new BinaryCopyValueError(`timestamp not finite: ${unixMs}`);
    return this.int8(pgTimestampMicros(unixMs));
  }

  /** text as UTF-8; pass pre-encoded bytes for a value repeated on many rows (a cell id). */
  text(value: string | Buffer): this {
    if (typeof value === 'string') {
      const bytes = Buffer.byteLength(value, 'utf8');
      const at = this.field(bytes);
      this.buf.write(value, at, bytes, 'utf8');
    } else {
      const at = this.field(value.length);
      value.copy(this.buf, at);
    }
    return this;
  }

  /** The whole stream: header, tuples, trailer. The writer must not be used afterwards. */
  finish(): Buffer {
    if (this.fieldsLeft !== 0) throw new Error(`last row is missing ${this.fieldsLeft} field(s)`);
    this.reserve(2);
    this.buf.writeInt16BE(-1, this.at);
    this.at += 2;
    return this.buf.subarray(0, this.at);
  }

  /**
   * Writes the length word (-1 for NULL) and returns where the value's `bytes` go. It may replace
   * `this.buf`, so callers read `this.buf` only after calling it.
   */
  private field(bytes: number, lengthWord = bytes): number {
    if (this.fieldsLeft <= 0) throw new Error('more fields than the row declared');
    this.fieldsLeft -= 1;
    this.reserve(4 + bytes);
    this.buf.writeInt32BE(lengthWord, this.at);
    const valueAt = this.at + 4;
    this.at = valueAt + bytes;
    return valueAt;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}
