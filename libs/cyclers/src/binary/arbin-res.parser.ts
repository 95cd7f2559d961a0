import MDBReader from 'mdb-reader';
import type { Table, Value } from 'mdb-reader';
import { WholeFileParser } from './whole-file-parser';
import {
  CyclerParseError,
  type IncrementalParser,
  type ParsedFileInfo,
  type ParsedRecord,
  type ParserOptions,
  type ParseWarning,
} from '../parser.types';
import { isAccessDatabase } from './access-magic';
import { oleDaysToEpochMs } from './ole-date';

/*
 * Arbin MITS Pro raw result file (.res): a Microsoft Access (Jet 4) database read with mdb-reader.
 * Limit: an Access file is a set of pages linked by page numbers (table definitions point at data
 * pages anywhere in the file), so nothing can be decoded until the whole file is there. `push`
 * only keeps the bytes; every record comes out of `end()`.
 */
const CHANNEL_TABLE = 'Channel_Normal_Table';
const GLOBAL_TABLE = 'Global_Table';
const VERSION_TABLE = 'Version_Table';
const CHANNEL_COLUMNS = [
  'Test_ID',
  'Data_Point',
  'Test_Time',
  'DateTime',
  'Step_Index',
  'Cycle_Index',
  'Current',
  'Voltage',
] as const;
const GLOBAL_METADATA = ['Test_Name', 'Channel_Index', 'Channel_Number', 'Creator', 'Schedule_File_Name'];

type ChannelRow = Record<(typeof CHANNEL_COLUMNS)[number], Value>;

class ArbinResParser extends WholeFileParser {
  protected parseWhole(file: Buffer): ParsedRecord[] {
    if (!isAccessDatabase(file)) {
      throw new CyclerParseError('not an MS Access (Jet/ACE) database, so not an Arbin .res file', {
        byteOffset: 0,
      });
    }
    try {
      return this.read(new MDBReader(file));
    } catch (error) {
      if (error instanceof CyclerParseError) throw error;
      // mdb-reader throws plain Errors on damaged pages; callers expect a CyclerParseError.
      const reason = error instanceof Error ? error.message : String(error);
      throw new CyclerParseError(`unreadable Access database: ${reason}`, { byteOffset: 0 });
    }
  }

  private read(reader: MDBReader): ParsedRecord[] {
    const tables = reader.getTableNames();
    if (!tables.includes(CHANNEL_TABLE)) {
      throw new CyclerParseError(
        `Access database without ${CHANNEL_TABLE}, so not an Arbin .res file (tables: ${tables.join(', ') || 'none'})`,
        { byteOffset: 0 },
      );
    }
    const info: ParsedFileInfo = {
      format: 'arbin-res',
      startTimeMs: null,
      timeZoneAssumed: false,
      cycleColumn: 'Cycle_Index',
      metadata: {},
    };
    this.fileInfo = info;
    if (tables.includes(VERSION_TABLE)) readVersion(reader.getTable(VERSION_TABLE), info.metadata);
    const startDays = tables.includes(GLOBAL_TABLE)
      ? readGlobal(reader.getTable(GLOBAL_TABLE), info.metadata)
      : new Map<number, number>();

    const rows = readChannelRows(reader.getTable(CHANNEL_TABLE));
    if (rows.length === 0) this.warningList.push({ message: `${CHANNEL_TABLE} holds no rows` });
    const testIds = new Set(rows.map((r) => r.testId));
    if (testIds.size > 1) {
      this.warningList.push({
        message: `${CHANNEL_TABLE} holds ${testIds.size} tests (Test_ID ${[...testIds].join(', ')}); samples are ordered by Test_ID, then Data_Point`,
      });
    }
    const clock = new ResClock(startDays, this.options, this.warningList, info);
    return rows.map((row, seq) => ({
      kind: 'sample',
      sample: {
        seq,
        tsMs: clock.timeMs(row),
        voltageV: row.voltageV,
        // Arbin books charge current as positive already (checked on arbin_example.res: I > 0 while V rises).
        currentA: row.currentA,
        cycle: row.cycle,
        step: row.step,
      },
    }));
  }
}

interface ResRow {
  testId: number;
  dataPoint: number;
  testTimeS: number;
  dateTimeDays: number | null;
  voltageV: number;
  currentA: number;
  cycle: number | null;
  step: number | null;
}

/**
 * Rows sorted by (Test_ID, Data_Point): Jet stores rows in page order, not insertion order (in
 * arbin_example.res rows 1321–1360 sit after the rest), so storage order would run time backwards.
 * Seq is the row's index in that sorted order, stable across re-reads of the same file.
 */
function readChannelRows(table: Table): ResRow[] {
  const present = new Set(table.getColumnNames());
  for (const name of ['Data_Point', 'Test_Time', 'Current', 'Voltage']) {
    if (!present.has(name)) {
      throw new CyclerParseError(`${CHANNEL_TABLE} has no ${name} column`, { byteOffset: 0 });
    }
  }
  const columns = CHANNEL_COLUMNS.filter((c) => present.has(c));
  const data = table.getData<ChannelRow>({ columns });
  const rows = data.map((raw, index): ResRow => {
    const required = (name: keyof ChannelRow): number => {
      const value = raw[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new CyclerParseError(`${CHANNEL_TABLE} row ${index + 1}: ${name} is ${String(value)}`, {
          byteOffset: 0,
        });
      }
      return value;
    };
    const optional = (name: keyof ChannelRow): number | null => {
      const value = raw[name];
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    };
    return {
      testId: optional('Test_ID') ?? 0,
      dataPoint: required('Data_Point'),
      testTimeS: required('Test_Time'),
      dateTimeDays: optional('DateTime'),
      voltageV: required('Voltage'),
      currentA: required('Current'),
      cycle: optional('Cycle_Index'),
      step: optional('Step_Index'),
    };
  });
  return rows.sort((a, b) => a.testId - b.testId || a.dataPoint - b.dataPoint);
}

/** Global_Table: one row per test; returns Test_ID → Start_DateTime (OLE days) and fills metadata. */
function readGlobal(table: Table, metadata: Record<string, string>): Map<number, number> {
  const starts = new Map<number, number>();
  const rows = table.getData();
  for (const row of rows) {
    const testId = typeof row.Test_ID === 'number' ? row.Test_ID : 0;
    if (typeof row.Start_DateTime === 'number' && Number.isFinite(row.Start_DateTime)) {
      starts.set(testId, row.Start_DateTime);
    }
  }
  const first = rows[0];
  if (first) {
    for (const name of GLOBAL_METADATA) {
      const value = first[name];
      if (value !== null && value !== undefined && value !== '') metadata[name] = String(value);
    }
    if (typeof first.Start_DateTime === 'number') metadata.Start_DateTime = String(first.Start_DateTime);
  }
  return starts;
}

function readVersion(table: Table, metadata: Record<string, string>): void {
  const value = table.getData()[0]?.Version_Schema_Field;
  if (typeof value === 'string' && value !== '') metadata.Version = value;
}

/**
 * Absolute time. Preferred: Global_Table Start_DateTime + Test_Time, because the per-row DateTime
 * is rounded to the whole second (row 1 of arbin_example.res has Test_Time 0.07 s yet DateTime equal
 * to Start_DateTime) while Test_Time keeps sub-second resolution. Fallbacks: the row's DateTime,
 * then `fallbackStartTimeMs` + Test_Time. Both Arbin dates are zone-less local wall-clock OLE
 * serials, read as UTC with a warning.
 */
class ResClock {
  private warnedZone = false;
  private warnedDateTime = false;
  private warnedFallback = false;

  constructor(
    private readonly startDays: ReadonlyMap<number, number>,
    private readonly options: ParserOptions,
    private readonly warnings: ParseWarning[],
    private readonly info: ParsedFileInfo,
  ) {}

  timeMs(row: ResRow): number {
    const start = this.startDays.get(row.testId);
    if (start !== undefined) {
      const startMs = oleDaysToEpochMs(start);
      this.noteStart(startMs, 'Global_Table Start_DateTime + Test_Time');
      return Math.round(startMs + row.testTimeS * 1000);
    }
    if (row.dateTimeDays !== null) {
      const ms = oleDaysToEpochMs(row.dateTimeDays);
      if (!this.warnedDateTime) {
        this.warnedDateTime = true;
        this.warnings.push({
          message: `no Start_DateTime for Test_ID ${row.testId}: row DateTime used (1 s resolution)`,
        });
      }
      this.noteStart(Math.round(ms - row.testTimeS * 1000), 'DateTime');
      return ms;
    }
    const fallbackMs = this.options.fallbackStartTimeMs ?? 0;
    if (!this.warnedFallback) {
      this.warnedFallback = true;
      this.warnings.push({
        message: `no Start_DateTime and no DateTime: timestamps are fallbackStartTimeMs (${fallbackMs}) + Test_Time`,
      });
    }
    if (this.info.startTimeMs === null) this.info.startTimeMs = fallbackMs;
    return Math.round(fallbackMs + row.testTimeS * 1000);
  }

  private noteStart(startMs: number, source: string): void {
    if (this.info.startTimeMs === null) this.info.startTimeMs = startMs;
    if (this.warnedZone) return;
    this.warnedZone = true;
    this.info.timeZoneAssumed = true;
    this.warnings.push({ message: `Arbin ${source} is local wall-clock time with no zone; UTC assumed` });
  }
}

/**
 * Arbin MITS Pro .res parser. Limit: the whole file is buffered by `push` and parsed in `end()`
 * (an Access database needs random access to its pages); rows are then sorted by Data_Point.
 */
export function createArbinResParser(options: ParserOptions = {}): IncrementalParser {
  return new ArbinResParser(options);
}
