import {
  CyclerParseError,
  type CyclerFormat,
  type IncrementalParser,
  type ParsedRecord,
  type ParserOptions,
} from '../parser.types';
import { parseDurationSeconds, parseWallClock, type DateOrder, type WallClock } from '../util/date-time';
import { splitFields } from '../util/fields';
import { parseDecimal } from '../util/numbers';
import { ColumnSet, optionalNumber, requiredNumber, type Column } from './columns';
import { createLineParser, type LineHandler } from './line-parser';
import { ParseSession } from './parse-session';
import { SpectrumGrouper } from './spectrum-grouper';

/** How one format's columns map onto a sample; every text table format reduces to this. */
export interface CyclingColumns {
  /** Elapsed test time; `duration` accepts `H:MM:SS` strings as well as plain numbers. */
  elapsed?: { column: Column; scaleS: number; style: 'number' | 'duration' };
  /** Wall clock per row: a date string (local unless zoned) or Unix epoch seconds. */
  wall?: { column: Column; style: 'date'; order?: DateOrder } | { column: Column; style: 'epoch-seconds' };
  voltage: { column: Column; scaleV: number };
  /** null for open-circuit tables that have no current column (current is then 0). */
  current: { column: Column; scaleA: number } | null;
  /** Unsigned-current formats: the row's mode decides the sign (+1 charge, −1 discharge, null keep). */
  direction?: { column: Column; signOf: (text: string) => 1 | -1 | null };
  temperature?: { column: Column; toCelsius: (value: number) => number | null };
  cycle?: Column;
  step?: Column;
  /** Rows with frequency > 0 are impedance points, grouped into spectra. */
  impedance?: { freq: Column; real: Column; imag: Column; imagSign: 1 | -1 };
}

export interface TabularDialect {
  readonly format: CyclerFormat;
  readonly delimiter: ',' | '\t';
  /** Sees every line until it returns true for the column-header line (metadata goes into the session). */
  isHeader(line: string, lineNo: number, session: ParseSession): boolean;
  /** Column names of the header line; defaults to splitting on the delimiter. */
  headerNames?(line: string): string[];
  bind(columns: ColumnSet, session: ParseSession, headerLine: number): CyclingColumns;
}

export function createTabularParser(dialect: TabularDialect, options: ParserOptions): IncrementalParser {
  return createLineParser(new TabularHandler(dialect, new ParseSession(dialect.format, options)));
}

class TabularHandler implements LineHandler {
  private columns: ColumnSet | null = null;
  private spec: CyclingColumns | null = null;
  private readonly spectra = new SpectrumGrouper();

  constructor(
    private readonly dialect: TabularDialect,
    readonly session: ParseSession,
  ) {}

  onLine(text: string, lineNo: number, out: ParsedRecord[]): void {
    if (this.spec === null || this.columns === null) {
      if (!this.dialect.isHeader(text, lineNo, this.session)) return;
      const names = (this.dialect.headerNames?.(text) ?? splitFields(text, this.dialect.delimiter)).map((n) =>
        n.trim(),
      );
      // EC-Lab ends the header line with a TAB; an empty trailing name is not a column.
      while (names.length > 0 && names[names.length - 1] === '') names.pop();
      this.columns = new ColumnSet(names, lineNo);
      this.spec = this.dialect.bind(this.columns, this.session, lineNo);
      this.session.headerDone = true;
      return;
    }
    if (text.trim() === '') return;
    const fields = splitFields(text, this.dialect.delimiter);
    checkFieldCount(fields, this.columns.length, lineNo);
    const record = this.readRow(fields, this.spec, lineNo);
    if (record !== null) out.push(record);
  }

  onEnd(out: ParsedRecord[], lastLineNo: number): void {
    if (this.spec === null) {
      throw new CyclerParseError(`file ended before the ${this.dialect.format} column header was found`, {
        line: lastLineNo,
      });
    }
    const spectrum = this.spectra.flush();
    if (spectrum !== null) out.push({ kind: 'spectrum', spectrum });
  }

  private readRow(fields: string[], spec: CyclingColumns, line: number): ParsedRecord | null {
    const seq = this.session.takeRowIndex();
    const elapsedS = spec.elapsed ? readElapsed(fields, spec.elapsed, line) : null;
    const wall = spec.wall ? readWall(fields, spec.wall, line) : null;
    if (elapsedS === null && wall === null) {
      throw new CyclerParseError('row has neither an elapsed time nor a date/time', { line });
    }
    const tsMs = this.session.resolveTimeMs(elapsedS, wall, line);
    const cycle = optionalNumber(fields, spec.cycle ?? null, line);
    const temperature = spec.temperature;
    const rawTemperature = temperature ? optionalNumber(fields, temperature.column, line) : null;
    const temperatureC =
      temperature && rawTemperature !== null ? temperature.toCelsius(rawTemperature) : null;

    if (spec.impedance) {
      const fHz = optionalNumber(fields, spec.impedance.freq, line);
      if (fHz !== null && fHz > 0) {
        const zRealOhm = requiredNumber(fields, spec.impedance.real, line);
        // BioLogic writes −Im(Z); the contract wants Im(Z) (capacitive < 0).
        const zImagOhm = spec.impedance.imagSign * requiredNumber(fields, spec.impedance.imag, line);
        const done = this.spectra.add({ point: { fHz, zRealOhm, zImagOhm }, tsMs, cycle, temperatureC });
        return done === null ? null : { kind: 'spectrum', spectrum: done };
      }
    }

    const voltageV = requiredNumber(fields, spec.voltage.column, line) * spec.voltage.scaleV;
    let currentA = spec.current ? requiredNumber(fields, spec.current.column, line) * spec.current.scaleA : 0;
    if (spec.direction) {
      const sign = spec.direction.signOf(fields[spec.direction.column.index].trim());
      if (sign !== null) currentA = sign * Math.abs(currentA);
    }
    // `+ 0` turns −0 (from a sign flip of a zero current) into 0 so outputs compare equal.
    currentA += 0;
    const step = optionalNumber(fields, spec.step ?? null, line);
    return { kind: 'sample', sample: { seq, tsMs, voltageV, currentA, temperatureC, cycle, step } };
  }
}

function checkFieldCount(fields: string[], expected: number, line: number): void {
  if (fields.length === expected) return;
  const extraAllEmpty = fields.length > expected && fields.slice(expected).every((f) => f.trim() === '');
  if (extraAllEmpty) return;
  throw new CyclerParseError(`expected ${expected} fields, found ${fields.length}`, { line });
}

function readElapsed(fields: string[], spec: NonNullable<CyclingColumns['elapsed']>, line: number): number {
  const raw = fields[spec.column.index];
  const value =
    spec.style === 'duration' ? (parseDurationSeconds(raw) ?? parseDecimal(raw)) : parseDecimal(raw);
  if (value === undefined) {
    throw new CyclerParseError(`column "${spec.column.name}": "${raw.trim()}" is not a time`, { line });
  }
  return value * spec.scaleS;
}

function readWall(
  fields: string[],
  spec: NonNullable<CyclingColumns['wall']>,
  line: number,
): WallClock | null {
  const raw = fields[spec.column.index].trim();
  if (raw === '') return null;
  if (spec.style === 'epoch-seconds') {
    const seconds = parseDecimal(raw);
    if (seconds === undefined) {
      throw new CyclerParseError(`column "${spec.column.name}": "${raw}" is not a Unix time`, { line });
    }
    return { ms: seconds * 1000, zoned: true };
  }
  const wall = parseWallClock(raw, spec.order);
  if (wall === undefined) {
    throw new CyclerParseError(`column "${spec.column.name}": "${raw}" is not a date/time`, { line });
  }
  return wall;
}

/**
 * Temperature column → °C. Kelvin columns are shifted; anything below absolute zero is a
 * "no sensor" sentinel (Gamry writes −327.67) and becomes null.
 */
export function toCelsiusFor(unit: string | null): (value: number) => number | null {
  const kelvin = unit !== null && /^k$/i.test(unit.trim());
  return (value) => {
    const c = kelvin ? value - 273.15 : value;
    return c < -273.15 ? null : c;
  };
}
