import {
  CyclerParseError,
  type IncrementalParser,
  type ParsedFileInfo,
  type ParsedRecord,
  type ParserOptions,
  type ParseWarning,
} from '../parser.types';
import { mprLayout, readMprRecord, type MprLayout } from './biologic-mpr-layout';
import { MprRowConverter, planMprRows, type PendingMprRecord } from './biologic-mpr-rows';
import { ByteQueue, latin1, view } from './byte-queue';
import { oleDaysToEpochMs } from './ole-date';

/*
 * EC-Lab `.mpr` layout (undocumented by BioLogic; offsets as established by galvani/yadg and
 * checked against the fixtures' .mpt exports):
 *   0x00  "BIO-LOGIC MODULAR FILE\x1a" padded to 0x34 bytes
 *   then modules: "MODULE", short name (10), long name (25), then either
 *     length u32, version u32, date "MM/DD/YY"                          (before EC-Lab 11.50), or
 *     FF FF FF FF, length u32, old version u32, new version u32, date   (EC-Lab 11.50 on)
 *   VMP data: n_points u32, n_columns (u8, or u16 from 11.50), column IDs u16…, records from a
 *     fixed offset in the module (0x195 for version 2, 0x196 for 3, 0x3EF for 11.50 modules).
 *   VMP LOG: acquisition start as an OLE date (f64) at 0x249, EC-Lab version (Pascal string) at 0x3B7.
 */
const FILE_MAGIC = 'BIO-LOGIC MODULAR FILE';
const FILE_HEADER_BYTES = 0x34;
const MODULE_PROBE_BYTES = 6 + 10 + 25 + 4;
const OLD_MODULE_HEADER_BYTES = 6 + 10 + 25 + 4 + 4 + 8;
const NEW_MODULE_HEADER_BYTES = 6 + 10 + 25 + 4 + 4 + 4 + 4 + 8;
const LOG_START_OLE_OFFSET = 0x249;
const LOG_VERSION_OFFSET = 0x3b7;
const DATA_START_BY_VERSION: Readonly<Record<number, number>> = { 2: 0x195, 3: 0x196 };
const DATA_START_11_50 = 0x3ef;

interface ModuleHeader {
  name: string;
  bodyOffset: number;
  length: number;
  version: number;
  newLayout: boolean;
  date: string;
}

type State =
  | { kind: 'file-header' }
  | { kind: 'module-header' }
  | { kind: 'skip'; left: number }
  | { kind: 'log'; module: ModuleHeader }
  | { kind: 'data-header'; module: ModuleHeader }
  | { kind: 'records'; layout: MprLayout; left: number; trailingBytes: number; converter: MprRowConverter };

class MprParser implements IncrementalParser {
  private readonly queue = new ByteQueue();
  private state: State = { kind: 'file-header' };
  private startTimeMs: number | null = null;
  private startKnown = false;
  private ecLabVersion: string | null = null;
  private pending: PendingMprRecord[] = [];
  private fileInfo: ParsedFileInfo | null = null;
  private readonly warningList: ParseWarning[] = [];
  private ended = false;

  constructor(private readonly options: ParserOptions) {}

  get info(): ParsedFileInfo | null {
    return this.fileInfo;
  }

  get warnings(): readonly ParseWarning[] {
    return this.warningList;
  }

  push(chunk: Uint8Array): ParsedRecord[] {
    if (this.ended) throw new Error('push() after end()');
    this.queue.push(chunk);
    this.drain();
    return this.release();
  }

  end(): ParsedRecord[] {
    if (this.ended) return [];
    this.drain();
    this.ended = true;
    const atBoundary = this.state.kind === 'module-header' && this.queue.length === 0;
    if (!atBoundary) {
      throw new CyclerParseError(`file ends inside ${this.describeState()}`, {
        byteOffset: this.queue.offset + this.queue.length,
      });
    }
    if (!this.fileInfo) {
      throw new CyclerParseError('no VMP data module in file', { byteOffset: this.queue.offset });
    }
    if (!this.startKnown) this.useFallbackStart();
    return this.release(true);
  }

  private describeState(): string {
    switch (this.state.kind) {
      case 'file-header':
        return 'the file header';
      case 'records':
        return `the data records (${this.state.left} of them missing)`;
      default:
        return 'a module';
    }
  }

  private drain(): void {
    for (;;) {
      const progressed = this.step();
      if (!progressed) return;
    }
  }

  /** Advances the state machine once; false when more bytes are needed. */
  private step(): boolean {
    const q = this.queue;
    const state = this.state;
    switch (state.kind) {
      case 'file-header': {
        if (q.length < FILE_HEADER_BYTES) return false;
        const head = q.read(FILE_HEADER_BYTES);
        if (latin1(head.subarray(0, FILE_MAGIC.length)) !== FILE_MAGIC) {
          throw new CyclerParseError(`not an EC-Lab .mpr file: missing "${FILE_MAGIC}"`, { byteOffset: 0 });
        }
        this.state = { kind: 'module-header' };
        return true;
      }
      case 'module-header': {
        if (q.length < MODULE_PROBE_BYTES) return false;
        const probe = view(q.peek(MODULE_PROBE_BYTES));
        const newLayout = probe.getUint32(41, true) === 0xffffffff;
        const headerBytes = newLayout ? NEW_MODULE_HEADER_BYTES : OLD_MODULE_HEADER_BYTES;
        if (q.length < headerBytes) return false;
        const at = q.offset;
        const bytes = q.read(headerBytes);
        if (latin1(bytes.subarray(0, 6)) !== 'MODULE') {
          throw new CyclerParseError('expected "MODULE" at a module boundary', { byteOffset: at });
        }
        const v = view(bytes);
        const module: ModuleHeader = {
          name: latin1(bytes.subarray(6, 16)),
          bodyOffset: at + headerBytes,
          length: v.getUint32(newLayout ? 45 : 41, true),
          version: newLayout ? v.getUint32(53, true) : v.getUint32(45, true),
          newLayout,
          date: latin1(bytes.subarray(headerBytes - 8, headerBytes)),
        };
        this.state = this.enterModule(module);
        return true;
      }
      case 'skip': {
        const dropped = q.skip(state.left);
        state.left -= dropped;
        if (state.left > 0) return false;
        this.state = { kind: 'module-header' };
        return true;
      }
      case 'log': {
        if (q.length < state.module.length) return false;
        this.readLog(q.read(state.module.length), state.module);
        this.state = { kind: 'module-header' };
        return true;
      }
      case 'data-header':
        return this.readDataHeader(state.module);
      case 'records': {
        if (state.left === 0) {
          this.state =
            state.trailingBytes > 0 ? { kind: 'skip', left: state.trailingBytes } : { kind: 'module-header' };
          return true;
        }
        const size = state.layout.recordBytes;
        if (q.length < size) return false;
        // Decode every whole record already buffered in one pass.
        while (state.left > 0 && q.length >= size) {
          const at = q.offset;
          const row = readMprRecord(state.layout, view(q.read(size)));
          this.pending.push(...state.converter.push(row, at));
          state.left -= 1;
        }
        if (state.left === 0) this.pending.push(...state.converter.end());
        return true;
      }
    }
  }

  private enterModule(module: ModuleHeader): State {
    switch (module.name) {
      case 'VMP data':
        if (this.fileInfo) {
          throw new CyclerParseError('a second VMP data module is not supported', {
            byteOffset: module.bodyOffset,
          });
        }
        return { kind: 'data-header', module };
      case 'VMP LOG':
        return { kind: 'log', module };
      default:
        return { kind: 'skip', left: module.length };
    }
  }

  private readDataHeader(module: ModuleHeader): boolean {
    const q = this.queue;
    let dataStart: number;
    let countBytes: number;
    if (module.newLayout) {
      if (module.version !== 11) {
        throw new CyclerParseError(
          `unsupported EC-Lab 11.50+ data module version ${module.version} (supported: 11)`,
          {
            byteOffset: module.bodyOffset,
          },
        );
      }
      dataStart = DATA_START_11_50;
      countBytes = 2;
    } else {
      const start = DATA_START_BY_VERSION[module.version];
      if (start === undefined) {
        throw new CyclerParseError(
          `unsupported .mpr data module version ${module.version} (supported: 2, 3)`,
          {
            byteOffset: module.bodyOffset,
          },
        );
      }
      dataStart = start;
      countBytes = 1;
    }
    if (q.length < dataStart) return false;
    const header = view(q.read(dataStart));
    const nPoints = header.getUint32(0, true);
    const nColumns = countBytes === 2 ? header.getUint16(4, true) : header.getUint8(4);
    const idsAt = 4 + countBytes;
    if (idsAt + 2 * nColumns > dataStart) {
      throw new CyclerParseError(`${nColumns} column ids do not fit the data header`, {
        byteOffset: module.bodyOffset + 4,
      });
    }
    const ids = Array.from({ length: nColumns }, (_, i) => header.getUint16(idsAt + 2 * i, true));
    const layout = mprLayout(ids, module.bodyOffset + idsAt);
    const plan = planMprRows(
      layout.fields.map((f) => f.name),
      module.bodyOffset + idsAt,
    );
    const recordsBytes = nPoints * layout.recordBytes;
    const trailingBytes = module.length - dataStart - recordsBytes;
    if (trailingBytes < 0) {
      throw new CyclerParseError(
        `data module of ${module.length} bytes cannot hold ${nPoints} records of ${layout.recordBytes} bytes`,
        { byteOffset: module.bodyOffset },
      );
    }
    if (trailingBytes > 0) {
      this.warn(
        `${trailingBytes} bytes after the last data record ignored`,
        module.bodyOffset + dataStart + recordsBytes,
      );
    }
    this.fileInfo = {
      format: 'biologic-mpr',
      // Set here only if a LOG module came first; normally readLog fills these in later.
      startTimeMs: this.startKnown ? this.startTimeMs : null,
      timeZoneAssumed: this.startKnown,
      cycleColumn: plan.cycleSource,
      metadata: {
        columns: layout.fields.map((f) => f.name).join(', '),
        dataModuleDate: module.date,
        points: String(nPoints),
        currentSource: plan.currentColumn ?? (plan.currentFromDq ? 'dq/mA.h / Δt' : 'none'),
        ...(this.ecLabVersion ? { ecLabVersion: this.ecLabVersion } : {}),
      },
    };
    this.state = {
      kind: 'records',
      layout,
      left: nPoints,
      trailingBytes,
      converter: new MprRowConverter(plan),
    };
    return true;
  }

  private readLog(body: Uint8Array, module: ModuleHeader): void {
    if (body.length < LOG_START_OLE_OFFSET + 8) {
      this.warn('VMP LOG module too short to hold the acquisition start', module.bodyOffset);
      return;
    }
    const days = view(body).getFloat64(LOG_START_OLE_OFFSET, true);
    if (!Number.isFinite(days) || days <= 0) {
      this.warn(`VMP LOG acquisition start ${days} is not a date`, module.bodyOffset + LOG_START_OLE_OFFSET);
      return;
    }
    this.startTimeMs = oleDaysToEpochMs(days);
    this.startKnown = true;
    this.warn(
      'acquisition start has no time zone in .mpr files; UTC assumed',
      module.bodyOffset + LOG_START_OLE_OFFSET,
    );
    this.ecLabVersion = pascalString(body, LOG_VERSION_OFFSET);
    const info = this.fileInfo;
    if (info) {
      info.startTimeMs = this.startTimeMs;
      info.timeZoneAssumed = true;
      if (this.ecLabVersion) info.metadata.ecLabVersion = this.ecLabVersion;
    }
  }

  private useFallbackStart(): void {
    this.startTimeMs = this.options.fallbackStartTimeMs ?? 0;
    this.startKnown = true;
    this.warn(
      `no VMP LOG module, so no acquisition start time: timestamps are fallbackStartTimeMs (${this.startTimeMs}) + elapsed`,
      this.queue.offset,
    );
  }

  private release(final = false): ParsedRecord[] {
    if (!this.startKnown || (this.pending.length === 0 && !final)) return [];
    const start = this.startTimeMs ?? 0;
    const out = this.pending.map((p): ParsedRecord => {
      const tsMs = Math.round(start + p.elapsedS * 1000);
      return p.kind === 'sample'
        ? { kind: 'sample', sample: { ...p.sample, tsMs } }
        : { kind: 'spectrum', spectrum: { ...p.spectrum, tsMs } };
    });
    this.pending = [];
    return out;
  }

  private warn(message: string, byteOffset: number): void {
    this.warningList.push({ message, byteOffset });
  }
}

function pascalString(bytes: Uint8Array, at: number): string | null {
  if (at >= bytes.length) return null;
  const n = bytes[at]!;
  if (at + 1 + n > bytes.length) return null;
  return latin1(bytes.subarray(at + 1, at + 1 + n)) || null;
}

/** Streaming EC-Lab `.mpr` parser; see the layout note above. */
export function createMprParser(options: ParserOptions = {}): IncrementalParser {
  return new MprParser(options);
}
