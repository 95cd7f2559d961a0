import {
  CyclerParseError,
  type IncrementalParser,
  type ParsedFileInfo,
  type ParsedRecord,
  type ParserOptions,
  type ParseWarning,
} from '../parser.types';
import { ByteQueue, latin1, view } from './byte-queue';
import { NEWARE_DERIVED_CYCLE_COLUMN, NEWARE_STATUS, NewareCycleCounter } from './neware-status';

/*
 * Neware BTS `.nda`, file version 130 with the BTS 9.1 record layout (the fixture's). Offsets as
 * in the BSD-3 NewareNDA reader (`_read_nda_130`, `_bytes_to_list_BTS91`), checked on the fixture:
 *   0     "NEWARE", then an 8-char build date; byte 14 = file version (130)
 *   1024  data records, 56 bytes each, first byte 0x55; a 0x81 byte at a record boundary starts
 *         the trailer (step table, remarks), which holds no samples
 *   record: step u8 @2, status u8 @3, index u32 @8, test time s u32 @12 + ns u32 @16,
 *           current f32 mA @20, voltage f32 V @24, capacity f32 mA·s @28 (signed by direction),
 *           energy f32 @32, Unix time s u32 @44 + ns u32 @48, temperature f32 °C @52
 * Current is mA: NewareNDA names the column Current(mA), and the capacity field (mA·s) equals the
 * time integral of it (checked in the spec); read as A the fixture's CC charge would be 1200 A.
 */
const MAGIC = 'NEWARE';
const VERSION_OFFSET = 14;
const DATA_OFFSET = 1024;
const RECORD_BYTES = 56;
const RECORD_MARKER = 0x55;
const TRAILER_MARKER = 0x81;
const SUPPORTED_VERSION = 130;
const MA_PER_A = 1000;

type State = 'header' | 'probe' | 'records' | 'trailer';

class NdaParser implements IncrementalParser {
  private readonly queue = new ByteQueue();
  private state: State = 'header';
  private fileInfo: ParsedFileInfo | null = null;
  private readonly warningList: ParseWarning[] = [];
  private readonly cycles = new NewareCycleCounter();
  private seq = 0;
  private lastIndex = 0;
  private lastTsMs = -Infinity;
  private ended = false;

  get info(): ParsedFileInfo | null {
    return this.fileInfo;
  }

  get warnings(): readonly ParseWarning[] {
    return this.warningList;
  }

  push(chunk: Uint8Array): ParsedRecord[] {
    if (this.ended) throw new Error('push() after end()');
    this.queue.push(chunk);
    return this.drain(false);
  }

  end(): ParsedRecord[] {
    if (this.ended) return [];
    const out = this.drain(true);
    this.ended = true;
    if (this.state === 'header' || (this.state === 'probe' && this.queue.length > 0)) {
      throw new CyclerParseError('file ends inside the 1024-byte header', {
        byteOffset: this.queue.offset + this.queue.length,
      });
    }
    if (this.state === 'records' && this.queue.length > 0) {
      throw new CyclerParseError(
        `file ends inside a ${RECORD_BYTES}-byte record (${this.queue.length} bytes left)`,
        {
          byteOffset: this.queue.offset,
        },
      );
    }
    if (this.seq === 0) this.warningList.push({ message: 'no data records', byteOffset: DATA_OFFSET });
    return out;
  }

  private drain(final: boolean): ParsedRecord[] {
    const out: ParsedRecord[] = [];
    const q = this.queue;
    if (this.state === 'header') {
      if (q.length < DATA_OFFSET) return out;
      this.readHeader(q.read(DATA_OFFSET));
      this.state = 'probe';
    }
    if (this.state === 'probe') {
      // Confirm the record length from the second record's marker before trusting the layout.
      if (q.length < RECORD_BYTES + 2 && !final) return out;
      if (q.length === 0) return out;
      const first = q.peek(1)[0];
      if (first !== RECORD_MARKER) {
        throw new CyclerParseError(
          `first record starts with 0x${first!.toString(16)}, not 0x55: only the BTS 9.1 (56-byte) layout of nda version 130 is supported`,
          { byteOffset: q.offset },
        );
      }
      if (q.length >= RECORD_BYTES + 1) {
        const next = q.peek(RECORD_BYTES + 1)[RECORD_BYTES];
        if (next !== RECORD_MARKER && next !== TRAILER_MARKER) {
          throw new CyclerParseError(
            `records are not ${RECORD_BYTES} bytes long (byte ${RECORD_BYTES} is 0x${next!.toString(16)})`,
            {
              byteOffset: q.offset + RECORD_BYTES,
            },
          );
        }
      }
      this.state = 'records';
    }
    while (this.state === 'records' && q.length > 0) {
      const marker = q.peek(1)[0];
      if (marker === TRAILER_MARKER) {
        this.state = 'trailer';
        break;
      }
      if (marker !== RECORD_MARKER) {
        throw new CyclerParseError(
          `record marker 0x${marker!.toString(16)} where 0x55 or 0x81 was expected`,
          {
            byteOffset: q.offset,
          },
        );
      }
      if (q.length < RECORD_BYTES) break;
      const at = q.offset;
      const record = this.readRecord(view(q.read(RECORD_BYTES)), at);
      if (record) out.push(record);
    }
    if (this.state === 'trailer') q.skip(q.length);
    return out;
  }

  private readHeader(header: Uint8Array): void {
    if (latin1(header.subarray(0, MAGIC.length)) !== MAGIC) {
      throw new CyclerParseError('not a Neware .nda file: missing "NEWARE"', { byteOffset: 0 });
    }
    const version = header[VERSION_OFFSET]!;
    if (version !== SUPPORTED_VERSION) {
      throw new CyclerParseError(
        `nda file version ${version} is not supported (supported: ${SUPPORTED_VERSION})`,
        {
          byteOffset: VERSION_OFFSET,
        },
      );
    }
    this.fileInfo = {
      format: 'neware-nda',
      startTimeMs: null,
      timeZoneAssumed: false,
      cycleColumn: NEWARE_DERIVED_CYCLE_COLUMN,
      metadata: {
        ndaVersion: String(version),
        buildDate: latin1(header.subarray(6, 14)),
        recordLayout: 'BTS 9.1',
      },
    };
  }

  private readRecord(r: DataView, at: number): ParsedRecord | null {
    const status = r.getUint8(3);
    if (NEWARE_STATUS[status] === undefined) {
      throw new CyclerParseError(`unknown Neware status code ${status}`, { byteOffset: at + 3 });
    }
    const index = r.getUint32(8, true);
    if (index <= this.lastIndex) {
      // BTS re-writes a record after a resume; NewareNDA keeps the first copy of each index.
      this.warningList.push({
        message: `record index ${index} repeats or goes back; skipped`,
        byteOffset: at,
      });
      return null;
    }
    this.lastIndex = index;
    const testTimeS = r.getUint32(12, true) + r.getUint32(16, true) * 1e-9;
    const currentMA = r.getFloat32(20, true);
    const voltageV = r.getFloat32(24, true);
    const unixMs = r.getUint32(44, true) * 1000 + r.getUint32(48, true) / 1e6;
    const temperatureC = r.getFloat32(52, true);
    if (!Number.isFinite(voltageV) || !Number.isFinite(currentMA)) {
      throw new CyclerParseError(`record ${index}: voltage or current is not a finite number`, {
        byteOffset: at + 20,
      });
    }
    const tsMs = Math.round(unixMs);
    if (tsMs <= this.lastTsMs) {
      // Kept, not dropped: the fixture's clock steps back 165 s once mid-charge, the data are real.
      this.warningList.push({
        message: `record ${index}: wall-clock time goes back or repeats by ${((this.lastTsMs - tsMs) / 1000).toFixed(3)} s`,
        byteOffset: at + 44,
      });
    }
    this.lastTsMs = tsMs;
    if (this.fileInfo && this.fileInfo.startTimeMs === null) {
      this.fileInfo.startTimeMs = Math.round(unixMs - testTimeS * 1000);
    }
    return {
      kind: 'sample',
      sample: {
        seq: this.seq++,
        // Records carry their own Unix time (UTC), which also covers pauses the test clock skips.
        tsMs,
        voltageV,
        currentA: currentMA / MA_PER_A,
        temperatureC: Number.isFinite(temperatureC) ? temperatureC : null,
        cycle: this.cycles.next(status),
        step: r.getUint8(2),
      },
    };
  }
}

/** Streaming Neware `.nda` (version 130, BTS 9.1 records) parser. */
/** Records carry absolute Unix times, so `options.fallbackStartTimeMs` is never needed. */
export function createNdaParser(_options: ParserOptions = {}): IncrementalParser {
  return new NdaParser();
}
