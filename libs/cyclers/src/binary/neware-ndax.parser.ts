import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import {
  CyclerParseError,
  type IncrementalParser,
  type ParsedFileInfo,
  type ParsedRecord,
  type ParserOptions,
  type ParseWarning,
} from '../parser.types';
import { NdcV5Decoder, type NdcRecord } from './neware-ndc.decoder';
import { NEWARE_DERIVED_CYCLE_COLUMN, NEWARE_STATUS, NewareCycleCounter } from './neware-status';

/*
 * Neware `.ndax`: a zip of XML metadata and `.ndc` binaries. The zip is read as a stream (fflate
 * Unzip, local headers in file order), so only the current compressed entry's pending bytes (plus up to
 * 16 KB gathered from small pushes) and a partial ndc page are held. Samples come from `data.ndc` (version 5 only, see the decoder);
 * `TestInfo.xml` gives the start time. Newer ndax files that split records over
 * `data_runInfo.ndc`/`data_step.ndc` have a different data.ndc version and are rejected clearly.
 */
const DATA_ENTRY = 'data.ndc';
const TEST_INFO_ENTRY = 'TestInfo.xml';
const MA_PER_A = 1000;
/** fflate's Unzip re-buffers on every push; tiny pushes are gathered to this size first. */
const UNZIP_FEED_BYTES = 16 * 1024;

class NdaxParser implements IncrementalParser {
  private readonly unzip: Unzip;
  private fileInfo: ParsedFileInfo | null = null;
  private readonly warningList: ParseWarning[] = [];
  private readonly cycles = new NewareCycleCounter();
  private out: ParsedRecord[] = [];
  private seq = 0;
  private lastIndex = 0;
  private sawData = false;
  private dataEnded = false;
  private zoneWarned = false;
  private ended = false;
  private bytesPushed = 0;
  private entryNames: string[] = [];
  private gathered: Uint8Array[] = [];
  private gatheredBytes = 0;

  constructor() {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(UnzipInflate);
  }

  get info(): ParsedFileInfo | null {
    return this.fileInfo;
  }

  get warnings(): readonly ParseWarning[] {
    return this.warningList;
  }

  push(chunk: Uint8Array): ParsedRecord[] {
    if (this.ended) throw new Error('push() after end()');
    if (this.bytesPushed === 0 && chunk.length > 0 && !(chunk[0] === 0x50)) {
      throw new CyclerParseError('not a zip (.ndax) file', { byteOffset: 0 });
    }
    this.bytesPushed += chunk.length;
    // Copied: callers may reuse their read buffer while it waits here.
    this.gathered.push(chunk.slice());
    this.gatheredBytes += chunk.length;
    if (this.gatheredBytes >= UNZIP_FEED_BYTES) this.feed(false);
    return this.take();
  }

  end(): ParsedRecord[] {
    if (this.ended) return [];
    this.ended = true;
    this.feed(true);
    if (!this.sawData) {
      throw new CyclerParseError(
        `no ${DATA_ENTRY} in the archive (entries: ${this.entryNames.join(', ') || 'none'})`,
        {
          byteOffset: this.bytesPushed,
        },
      );
    }
    if (!this.dataEnded) {
      throw new CyclerParseError(`archive ends inside ${DATA_ENTRY}`, { byteOffset: this.bytesPushed });
    }
    return this.take();
  }

  private feed(final: boolean): void {
    const bytes = this.gathered.length === 1 ? this.gathered[0]! : Buffer.concat(this.gathered);
    this.gathered = [];
    this.gatheredBytes = 0;
    this.unzip.push(bytes, final);
  }

  private take(): ParsedRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private onFile(file: UnzipFile): void {
    this.entryNames.push(file.name);
    if (file.name === DATA_ENTRY) {
      this.sawData = true;
      const decoder = new NdcV5Decoder();
      file.ondata = (err, chunk, final) => {
        if (err) throw this.entryError(DATA_ENTRY, err);
        for (const record of decoder.push(chunk)) this.emit(record);
        if (final) {
          decoder.end();
          this.dataEnded = true;
        }
      };
      file.start();
    } else if (file.name === TEST_INFO_ENTRY) {
      const parts: Uint8Array[] = [];
      file.ondata = (err, chunk, final) => {
        if (err) throw this.entryError(TEST_INFO_ENTRY, err);
        parts.push(chunk);
        if (final) this.readTestInfo(parts);
      };
      file.start();
    } else {
      file.ondata = () => undefined;
    }
  }

  /**
   * fflate catches what our ondata throws and hands it back as `err`; keep our own errors (their
   * offsets are within the decompressed entry) and wrap inflate failures.
   */
  private entryError(entry: string, err: Error): CyclerParseError {
    if (err instanceof CyclerParseError) {
      return new CyclerParseError(`${err.reason} (offset within the decompressed ${entry})`, err.location);
    }
    return new CyclerParseError(`${entry}: ${err.message}`, { byteOffset: this.bytesPushed });
  }

  private ensureInfo(): ParsedFileInfo {
    this.fileInfo ??= {
      format: 'neware-ndax',
      startTimeMs: null,
      timeZoneAssumed: true,
      cycleColumn: NEWARE_DERIVED_CYCLE_COLUMN,
      metadata: {},
    };
    return this.fileInfo;
  }

  private readTestInfo(parts: Uint8Array[]): void {
    // Only ASCII attribute values are read, so the GB2312 declaration does not matter here.
    const text = Buffer.concat(parts).toString('latin1');
    const info = this.ensureInfo();
    const attribute = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(text)?.[1];
    for (const name of [
      'DevType',
      'DevID',
      'UnitID',
      'ChlID',
      'TestID',
      'StepName',
      'StartTime',
      'EndTime',
      'CurrRange',
      'SortVersion',
    ]) {
      const value = attribute(name);
      if (value !== undefined) info.metadata[name] = value;
    }
    const start = info.metadata.StartTime;
    const match = start ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(start) : null;
    if (match) {
      const [, y, mo, d, h, mi, s] = match.map(Number);
      info.startTimeMs = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
      this.warnZone();
    }
  }

  private warnZone(): void {
    if (this.zoneWarned) return;
    this.zoneWarned = true;
    this.warningList.push({ message: 'ndax times are local wall-clock time with no zone; UTC assumed' });
  }

  private emit(record: NdcRecord): void {
    const info = this.ensureInfo();
    if (NEWARE_STATUS[record.status] === undefined) {
      throw new CyclerParseError(`${DATA_ENTRY}: unknown Neware status code ${record.status}`, {
        byteOffset: record.byteOffset + 17,
      });
    }
    if (record.index <= this.lastIndex) {
      this.warningList.push({
        message: `${DATA_ENTRY}: record index ${record.index} repeats or goes back; skipped`,
      });
      return;
    }
    this.lastIndex = record.index;
    if (info.startTimeMs === null) {
      info.startTimeMs = record.wallClockMs - record.stepTimeMs;
      this.warnZone();
    }
    this.out.push({
      kind: 'sample',
      sample: {
        seq: this.seq++,
        // The record's own wall-clock time: the stored elapsed time is per step, not per test.
        tsMs: record.wallClockMs,
        voltageV: record.voltageV,
        currentA: record.currentMA / MA_PER_A,
        cycle: this.cycles.next(record.status),
        step: record.step,
      },
    });
  }
}

/** Streaming Neware `.ndax` parser (data.ndc version 5). */
export function createNdaxParser(_options: ParserOptions = {}): IncrementalParser {
  return new NdaxParser();
}
