import { WholeFileParser } from './whole-file-parser';
import {
  CyclerParseError,
  type IncrementalParser,
  type ParsedFileInfo,
  type ParsedRecord,
  type ParserOptions,
  type ParseWarning,
} from '../parser.types';
import { mapArbinColumns, type ArbinColumns } from './arbin-xlsx-columns';
import { oleDaysToEpochMs } from './ole-date';
import { inflateEntry, readZipDirectory, type ZipEntry } from './zip-archive';
import { attribute, SharedStringsScanner, XlsxRowScanner, type XlsxCell, type XlsxRow } from './xlsx-xml';

/*
 * Arbin MITS Pro "Data Pro" .xlsx export. An .xlsx cannot be read front to back: sharedStrings.xml
 * (which names the columns) comes after the sheets and only the central directory at the end says
 * where each entry is. So `push` keeps the *compressed* bytes and everything happens in `end()`;
 * there, each sheet is inflated in 64 KB slices and scanned row by row (no sheet DOM, no inflated
 * copy of the sheet is held). Every sheet named `Channel_*` is read, in workbook order.
 */
const CHANNEL_SHEET = /^Channel_/i;
const GLOBAL_INFO_SHEET = 'Global_Info';
/** Excel's 1904 date system starts 1462 days after the 1900 one (ECMA-376 Part 1, §18.17.4.1). */
const DATE_1904_OFFSET_DAYS = 1462;

interface SheetRef {
  name: string;
  path: string;
}

class ArbinXlsxParser extends WholeFileParser {
  protected parseWhole(zip: Buffer): ParsedRecord[] {
    if (zip.length < 4 || zip.readUInt32LE(0) !== 0x04034b50) {
      throw new CyclerParseError('not a zip (.xlsx) file', { byteOffset: 0 });
    }
    const entries = readZipDirectory(zip);
    const entry = (path: string): ZipEntry => {
      const found = entries.get(path);
      if (!found) throw new CyclerParseError(`${path} missing from the .xlsx`, { byteOffset: zip.length });
      return found;
    };
    const workbookXml = readText(zip, entry('xl/workbook.xml'));
    const sheets = sheetRefs(workbookXml, readText(zip, entry('xl/_rels/workbook.xml.rels')));
    const date1904 = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbookXml);
    const shared = new SharedStringsScanner();
    const sharedEntry = entries.get('xl/sharedStrings.xml');
    if (sharedEntry) streamText(zip, sharedEntry, (text) => shared.push(text));

    const info: ParsedFileInfo = {
      format: 'arbin-xlsx',
      startTimeMs: null,
      timeZoneAssumed: true,
      cycleColumn: 'Cycle_Index',
      metadata: {},
    };
    this.fileInfo = info;
    const globalInfo = sheets.find((s) => s.name === GLOBAL_INFO_SHEET);
    if (globalInfo) readGlobalInfo(zip, entry(globalInfo.path), shared.strings, info.metadata);

    const channels = sheets.filter((s) => CHANNEL_SHEET.test(s.name));
    if (channels.length === 0) {
      throw new CyclerParseError(`no Channel_* sheet (sheets: ${sheets.map((s) => s.name).join(', ')})`, {
        byteOffset: 0,
      });
    }
    info.metadata.sheets = channels.map((s) => s.name).join(', ');
    const reader = new ChannelRowReader(shared.strings, date1904, this.options, this.warningList, info);
    const out: ParsedRecord[] = [];
    for (const sheet of channels) {
      reader.startSheet(sheet.name);
      const scanner = new XlsxRowScanner();
      streamText(zip, entry(sheet.path), (text) => {
        for (const row of scanner.push(text)) {
          const record = reader.row(row);
          if (record) out.push(record);
        }
      });
    }
    reader.finish();
    return out;
  }
}

/** Converts channel-sheet rows to samples; holds only the current sheet's column map. */
class ChannelRowReader {
  private sheet = '';
  private columns: ArbinColumns | null = null;
  private seq = 0;

  constructor(
    private readonly shared: readonly string[],
    private readonly date1904: boolean,
    private readonly options: ParserOptions,
    private readonly warnings: ParseWarning[],
    private readonly info: ParsedFileInfo,
  ) {}

  startSheet(name: string): void {
    this.sheet = name;
    this.columns = null;
  }

  row(row: XlsxRow): ParsedRecord | null {
    if (row.cells.length === 0) return null;
    if (!this.columns) {
      const header = new Map<number, string>();
      for (const cell of row.cells) header.set(cell.column, this.text(cell, row.rowNumber));
      this.columns = mapArbinColumns(header, this.sheet, row.rowNumber);
      if (this.columns.cycleIndex === null) this.info.cycleColumn = null;
      return null;
    }
    const c = this.columns;
    const byColumn = new Map<number, XlsxCell>(row.cells.map((cell) => [cell.column, cell]));
    const number = (column: number | null, label: string, required: boolean): number | null => {
      const cell = column === null ? undefined : byColumn.get(column);
      if (!cell || cell.value === '') {
        if (required) throw this.error(`${label} is empty`, row.rowNumber);
        return null;
      }
      const value = Number(
        cell.type === 's' || cell.type === 'inlineStr' ? this.text(cell, row.rowNumber) : cell.value,
      );
      if (!Number.isFinite(value))
        throw this.error(`${label} "${cell.value}" is not a number`, row.rowNumber);
      return value;
    };
    const testTimeS = number(c.testTimeS, 'Test_Time(s)', true)!;
    const voltageV = number(c.voltageV, 'Voltage(V)', true)!;
    const currentA = number(c.currentA, 'Current(A)', true)!;
    const tsMs = this.timestamp(
      c.dateTime === null ? undefined : byColumn.get(c.dateTime),
      testTimeS,
      row.rowNumber,
    );
    const temperatureC = number(c.temperatureC, 'temperature', false);
    const sample = {
      seq: this.seq++,
      tsMs,
      voltageV,
      // Arbin books charge current as positive already.
      currentA,
      cycle: number(c.cycleIndex, 'Cycle_Index', false),
      step: number(c.stepIndex, 'Step_Index', false),
      ...(temperatureC === null ? {} : { temperatureC }),
    };
    return { kind: 'sample', sample };
  }

  finish(): void {
    if (this.seq === 0) this.warnings.push({ message: 'no data rows in the Channel_* sheets' });
  }

  private timestamp(cell: XlsxCell | undefined, testTimeS: number, rowNumber: number): number {
    if (cell && cell.value !== '') {
      const ms = this.dateCell(cell, rowNumber);
      if (this.info.startTimeMs === null) {
        this.info.startTimeMs = Math.round(ms - testTimeS * 1000);
        this.warnings.push({ message: 'Arbin Date_Time is local wall-clock time with no zone; UTC assumed' });
      }
      return ms;
    }
    if (this.info.startTimeMs === null) {
      const start = this.info.metadata['Start DateTime'];
      const fromGlobal = start === undefined ? NaN : Number(start);
      if (Number.isFinite(fromGlobal)) {
        this.info.startTimeMs = oleDaysToEpochMs(fromGlobal + (this.date1904 ? DATE_1904_OFFSET_DAYS : 0));
        this.warnings.push({
          message: 'no Date_Time cell: Global_Info Start DateTime + Test_Time used, UTC assumed',
        });
      } else {
        this.info.startTimeMs = this.options.fallbackStartTimeMs ?? 0;
        this.info.timeZoneAssumed = false;
        this.warnings.push({
          message: `no Date_Time and no start time: timestamps are fallbackStartTimeMs (${this.info.startTimeMs}) + Test_Time`,
        });
      }
    }
    return Math.round(this.info.startTimeMs + testTimeS * 1000);
  }

  private dateCell(cell: XlsxCell, rowNumber: number): number {
    if (cell.type === 'n') {
      const days = Number(cell.value);
      if (!Number.isFinite(days)) throw this.error(`Date_Time "${cell.value}" is not a number`, rowNumber);
      return oleDaysToEpochMs(days + (this.date1904 ? DATE_1904_OFFSET_DAYS : 0));
    }
    // Text dates as Arbin displays them: MM/DD/YYYY HH:MM:SS(.fff).
    const text = this.text(cell, rowNumber).trim();
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
    if (!m) throw this.error(`Date_Time "${text}" is not a date`, rowNumber);
    const [, mo, d, y, h, mi, s, frac] = m;
    return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, frac ? Number(frac.padEnd(3, '0')) : 0);
  }

  private text(cell: XlsxCell, rowNumber: number): string {
    if (cell.type !== 's') return cell.value;
    const s = this.shared[Number(cell.value)];
    if (s === undefined) throw this.error(`shared string ${cell.value} does not exist`, rowNumber);
    return s;
  }

  private error(reason: string, rowNumber: number): CyclerParseError {
    return new CyclerParseError(`sheet ${this.sheet}: ${reason}`, { line: rowNumber });
  }
}

function readText(zip: Uint8Array, entry: ZipEntry): string {
  let text = '';
  streamText(zip, entry, (t) => (text += t));
  return text;
}

function streamText(zip: Uint8Array, entry: ZipEntry, onText: (text: string) => void): void {
  const decoder = new TextDecoder('utf-8');
  inflateEntry(zip, entry, (chunk) => onText(decoder.decode(chunk, { stream: true })));
  const tail = decoder.decode();
  if (tail) onText(tail);
}

function sheetRefs(workbookXml: string, relsXml: string): SheetRef[] {
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = attribute(m[1]!, 'Id');
    const target = attribute(m[1]!, 'Target');
    if (id && target) targets.set(id, target);
  }
  const sheets: SheetRef[] = [];
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = attribute(m[1]!, 'name');
    const id = attribute(m[1]!, 'r:id');
    const target = id ? targets.get(id) : undefined;
    if (!name || !target) continue;
    const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    sheets.push({ name, path });
  }
  return sheets;
}

/** Global_Info holds a header row and a value row; keep them as metadata (Start DateTime stays a serial). */
function readGlobalInfo(
  zip: Uint8Array,
  entry: ZipEntry,
  shared: readonly string[],
  metadata: Record<string, string>,
): void {
  const scanner = new XlsxRowScanner();
  const rows: XlsxRow[] = [];
  streamText(zip, entry, (text) => rows.push(...scanner.push(text)));
  const text = (cell: XlsxCell) => (cell.type === 's' ? (shared[Number(cell.value)] ?? '') : cell.value);
  const headerAt = rows.findIndex((r) => r.cells.some((c) => text(c) === 'Start DateTime'));
  if (headerAt < 0 || headerAt + 1 >= rows.length) return;
  const values = new Map(rows[headerAt + 1]!.cells.map((c) => [c.column, text(c)]));
  for (const cell of rows[headerAt]!.cells) {
    const name = text(cell);
    const value = values.get(cell.column);
    if (name && value !== undefined && value !== '') metadata[name] = value;
  }
}

/**
 * Arbin Data Pro .xlsx parser. Limit: the compressed file is buffered by `push` and parsed in
 * `end()` (the zip directory and sharedStrings.xml come last); sheets are inflated and scanned row
 * by row.
 */
export function createArbinXlsxParser(options: ParserOptions = {}): IncrementalParser {
  return new ArbinXlsxParser(options);
}
