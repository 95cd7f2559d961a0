import { CyclerParseError } from '../parser.types';
import { ByteQueue, view } from './byte-queue';

/** One decoded `.ndc` data record, in instrument units except where named. */
export interface NdcRecord {
  index: number;
  step: number;
  status: number;
  stepTimeMs: number;
  voltageV: number;
  currentMA: number;
  /** Wall-clock time as written (local, no zone), read as if UTC. */
  wallClockMs: number;
  /** Offset of the record inside the decompressed data.ndc entry. */
  byteOffset: number;
}

/*
 * `data.ndc` version 5 (BTS 8.x `.ndax`): byte 0 = file type, byte 2 = ndc version; data sit in
 * 4096-byte pages from offset 4096, each page = 125-byte page header, 45 records of 87 bytes,
 * 56 bytes of padding. Record type at byte 7 (0x55 = data, 0x65/0x74 = auxiliary, 0 = unused).
 * Data record: index u32 @8, cycle u32 @12 (constant), step u8 @16, status u8 @17,
 * step time ms u64 @23, voltage i32 ×1e-4 V @31, current i32 @35 × range multiplier (mA),
 * capacities/energies i64 @43..74, date Y u16 @75 M D h m s u8 @77..81, current range i32 @82.
 * Offsets and the range→multiplier table as in the BSD-3 NewareNDA reader (`_read_ndc_5`,
 * `_bytes_to_list_ndc`, `dicts.multiplier_dict`); checked on the fixture.
 */
const FILE_HEADER_BYTES = 4096;
const PAGE_BYTES = 4096;
const PAGE_HEADER_BYTES = 125;
const RECORD_BYTES = 87;
const RECORDS_PER_PAGE = 45;
const DATA_RECORD = 0x55;
export const SUPPORTED_NDC_VERSION = 5;

/** Current range (as stored) → mA per raw count; NewareNDA `multiplier_dict`. */
const RANGE_MA_PER_COUNT: ReadonlyMap<number, number> = new Map([
  [-100000000, 10],
  ...[
    -200000, -100000, -60000, -50000, -40000, -30000, -20000, -12000, -10000, -6000, -5000, -3000, -2000,
    -1000,
  ].map((r): [number, number] => [r, 1e-2]),
  ...[-500, -100].map((r): [number, number] => [r, 1e-3]),
  ...[-50, -25, -20, -10].map((r): [number, number] => [r, 1e-4]),
  ...[-5, -2, -1].map((r): [number, number] => [r, 1e-5]),
  ...[1, 2, 5].map((r): [number, number] => [r, 1e-4]),
  ...[10, 20, 50].map((r): [number, number] => [r, 1e-3]),
  ...[100, 200, 250, 500].map((r): [number, number] => [r, 1e-2]),
  ...[1000, 6000, 10000, 12000, 20000, 30000, 40000, 50000, 60000, 100000, 200000].map(
    (r): [number, number] => [r, 1e-1],
  ),
]);

/** Streaming decoder of a version-5 `data.ndc` entry, fed decompressed chunks. */
export class NdcV5Decoder {
  private readonly queue = new ByteQueue();
  private headerRead = false;

  push(chunk: Uint8Array): NdcRecord[] {
    this.queue.push(chunk);
    const out: NdcRecord[] = [];
    if (!this.headerRead) {
      if (this.queue.length < FILE_HEADER_BYTES) return out;
      const header = this.queue.read(FILE_HEADER_BYTES);
      const version = header[2]!;
      if (version !== SUPPORTED_NDC_VERSION) {
        throw new CyclerParseError(
          `data.ndc version ${version} (file type ${header[0]}) is not supported (supported: ndc version ${SUPPORTED_NDC_VERSION})`,
          { byteOffset: 2 },
        );
      }
      this.headerRead = true;
    }
    while (this.queue.length >= PAGE_BYTES) {
      const pageOffset = this.queue.offset;
      const page = this.queue.read(PAGE_BYTES);
      for (let k = 0; k < RECORDS_PER_PAGE; k++) {
        const start = PAGE_HEADER_BYTES + k * RECORD_BYTES;
        const record = page.subarray(start, start + RECORD_BYTES);
        if (record[7] === DATA_RECORD) out.push(decodeRecord(view(record), pageOffset + start));
      }
    }
    return out;
  }

  /** Bytes left over are an incomplete page: a truncated entry. */
  end(): void {
    if (!this.headerRead) {
      throw new CyclerParseError('data.ndc ends inside its 4096-byte header', {
        byteOffset: this.queue.offset,
      });
    }
    if (this.queue.length > 0) {
      throw new CyclerParseError(`data.ndc ends inside a 4096-byte page (${this.queue.length} bytes)`, {
        byteOffset: this.queue.offset,
      });
    }
  }
}

function decodeRecord(r: DataView, byteOffset: number): NdcRecord {
  const range = r.getInt32(82, true);
  const maPerCount = RANGE_MA_PER_COUNT.get(range);
  if (maPerCount === undefined) {
    throw new CyclerParseError(`data.ndc record: unknown current range ${range}`, {
      byteOffset: byteOffset + 82,
    });
  }
  const year = r.getUint16(75, true);
  const month = r.getUint8(77);
  const day = r.getUint8(78);
  const wallClockMs = Date.UTC(year, month - 1, day, r.getUint8(79), r.getUint8(80), r.getUint8(81));
  if (!Number.isFinite(wallClockMs) || month < 1 || month > 12 || day < 1 || day > 31) {
    throw new CyclerParseError(`data.ndc record: invalid date ${year}-${month}-${day}`, {
      byteOffset: byteOffset + 75,
    });
  }
  return {
    index: r.getUint32(8, true),
    step: r.getUint8(16),
    status: r.getUint8(17),
    stepTimeMs: Number(r.getBigUint64(23, true)),
    voltageV: r.getInt32(31, true) / 1e4,
    currentMA: scale(r.getInt32(35, true), maPerCount),
    wallClockMs,
    byteOffset,
  };
}

/** Divides by the power of ten instead of multiplying by its inexact reciprocal (0.1200, not 0.12000000000000001). */
function scale(count: number, perCount: number): number {
  return perCount < 1 ? count / Math.round(1 / perCount) : count * perCount;
}
