import type { SamplePoint } from '@twin/contracts';
import { BinaryCopyWriter } from '@twin/storage';

/** Column order of the binary COPY below; the statement and the encoder must agree on it. */
export const SAMPLE_COPY_SQL =
  'COPY samples (cell_id, seq, ts, voltage_v, current_a, temperature_c, cycle, step) FROM STDIN (FORMAT binary)';

const FIELDS = 8;
/** Per row: field count, 8 length words, 6 eight-byte and 2 four-byte values, ~12 bytes of cell id. */
const BYTES_PER_ROW_GUESS = 2 + FIELDS * 4 + 6 * 8 + 2 * 4 + 12;

export interface CellSample {
  cellId: string;
  sample: SamplePoint;
}

/** Per cell, the lowest and highest seq of a batch: the key ranges the duplicate probe reads. */
export function seqRangesByCell(
  rows: readonly CellSample[],
): Map<string, { lo: number; hi: number; n: number }> {
  const ranges = new Map<string, { lo: number; hi: number; n: number }>();
  for (const { cellId, sample } of rows) {
    const r = ranges.get(cellId);
    if (!r) ranges.set(cellId, { lo: sample.seq, hi: sample.seq, n: 1 });
    else {
      if (sample.seq < r.lo) r.lo = sample.seq;
      if (sample.seq > r.hi) r.hi = sample.seq;
      r.n += 1;
    }
  }
  return ranges;
}

/**
 * The rows as one `FORMAT binary` COPY stream. Timestamps are rounded to microseconds exactly as the
 * INSERT path's `to_timestamp(ms / 1000.0)`, so both paths store identical rows. An int column value
 * out of range throws `BinaryCopyValueError` before anything reaches the server.
 */
export function encodeSampleCopy(rows: readonly CellSample[]): Buffer {
  const writer = new BinaryCopyWriter(rows.length * BYTES_PER_ROW_GUESS + 64);
  // A batch holds a few cells many times over: encode each id once.
  const cellBytes = new Map<string, Buffer>();
  for (const { cellId, sample } of rows) {
    let id = cellBytes.get(cellId);
    if (!id) cellBytes.set(cellId, (id = Buffer.from(cellId, 'utf8')));
    writer
      .row(FIELDS)
      .text(id)
      .int8(sample.seq)
      .timestamptzMs(sample.tsMs)
      .float8(sample.voltageV)
      .float8(sample.currentA);
    if (sample.temperatureC == null) writer.null();
    else writer.float8(sample.temperatureC);
    if (sample.cycle == null) writer.null();
    else writer.int4(sample.cycle);
    if (sample.step == null) writer.null();
    else writer.int4(sample.step);
  }
  return writer.finish();
}
