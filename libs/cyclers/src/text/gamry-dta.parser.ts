import {
  CyclerParseError,
  type IncrementalParser,
  type ParsedRecord,
  type ParserOptions,
} from '../parser.types';
import { parseWallClock } from '../util/date-time';
import { unitScale } from '../util/units';
import { ColumnSet, optionalNumber, requiredNumber, type Column } from './columns';
import { createLineParser, type LineHandler } from './line-parser';
import { ParseSession } from './parse-session';
import { SpectrumGrouper } from './spectrum-grouper';
import { toCelsiusFor } from './tabular-parser';

/**
 * Gamry Framework `.DTA`: `KEY<TAB>TYPE<TAB>value…` lines plus `NAME<TAB>TABLE[<TAB>rows]` blocks
 * (column-name row, unit row, then rows that begin with a TAB). `ZCURVE` tables are impedance
 * sweeps → spectra; other `*CURVE*` tables with `T` and `Vf` (OCV, chrono, cycling) → samples.
 * `DATE`/`TIME` give the local start; table times are seconds from it.
 */
interface OpenTable {
  name: string;
  declaredRows: number | null;
  startLine: number;
  rows: number;
  names: string[] | null;
  layout: TableLayout | null;
}

type TableLayout =
  | { kind: 'skip' }
  | {
      kind: 'samples';
      time: Column;
      timeScale: number;
      voltage: Column;
      voltageScale: number;
      current: Column | null;
      currentScale: number;
      temperature: Column | null;
      cycle: Column | null;
    }
  | { kind: 'impedance'; time: Column; freq: Column; real: Column; imag: Column; temperature: Column | null };

class GamryHandler implements LineHandler {
  private notesLeft = 0;
  private table: OpenTable | null = null;
  private date: string | null = null;
  private time: string | null = null;
  private readonly spectra = new SpectrumGrouper();
  private readonly celsius = toCelsiusFor(null);

  constructor(readonly session: ParseSession) {}

  onLine(text: string, lineNo: number, out: ParsedRecord[]): void {
    if (lineNo === 1) {
      if (text.trim() !== 'EXPLAIN')
        throw new CyclerParseError('not a Gamry DTA file (no EXPLAIN)', { line: 1 });
      return;
    }
    if (this.notesLeft > 0) {
      this.notesLeft -= 1;
      return;
    }
    if (this.table !== null) {
      if (text.startsWith('\t')) {
        this.tableLine(this.table, text, lineNo, out);
        return;
      }
      this.closeTable(this.table, lineNo, out);
    }
    if (text.trim() === '') return;
    const [key, type, ...values] = text.split('\t');
    this.session.headerDone = true;
    if (key === 'TAG') this.session.info.metadata['tag'] = type ?? '';
    else if (type === 'NOTES') this.notesLeft = Number(values[0] ?? 0);
    else if (type === 'TABLE') {
      const declared = values[0] !== undefined && values[0].trim() !== '' ? Number(values[0]) : null;
      this.table = {
        name: key,
        declaredRows: declared,
        startLine: lineNo,
        rows: 0,
        names: null,
        layout: null,
      };
    } else if (key === 'DATE') this.date = values[0] ?? null;
    else if (key === 'TIME') this.time = values[0] ?? null;
    else if (key === 'CONVENTION' && values[0]?.trim() !== '1') {
      // Framework's default (1) reports anodic current positive, which is "charge" for a cathode WE.
      this.session.warnOnce('gamry-convention', `CONVENTION ${values[0]}: current sign not verified`, lineNo);
    } else if (type === 'LABEL' || type === 'QUANT' || type === 'IQUANT' || type === 'PSTAT') {
      if (values[0] !== undefined) this.session.info.metadata[key] = values[0];
    }
  }

  onEnd(out: ParsedRecord[], lastLineNo: number): void {
    if (this.table !== null) this.closeTable(this.table, lastLineNo + 1, out);
    const spectrum = this.spectra.flush();
    if (spectrum !== null) out.push({ kind: 'spectrum', spectrum });
    if (this.notesLeft > 0)
      throw new CyclerParseError('file ended inside a NOTES block', { line: lastLineNo });
  }

  private tableLine(table: OpenTable, text: string, lineNo: number, out: ParsedRecord[]): void {
    const fields = text.split('\t');
    if (table.names === null) {
      table.names = fields;
      return;
    }
    if (table.layout === null) {
      table.layout = this.layoutFor(table, table.names, fields, lineNo);
      return;
    }
    if (fields.length !== table.names.length) {
      throw new CyclerParseError(
        `${table.name}: expected ${table.names.length - 1} fields, found ${fields.length - 1}`,
        {
          line: lineNo,
        },
      );
    }
    table.rows += 1;
    const layout = table.layout;
    if (layout.kind === 'skip') return;
    const seq = this.session.takeRowIndex();
    const temperature = layout.temperature ? optionalNumber(fields, layout.temperature, lineNo) : null;
    const temperatureC = temperature === null ? null : this.celsius(temperature);
    if (layout.kind === 'impedance') {
      const tsMs = this.session.resolveTimeMs(requiredNumber(fields, layout.time, lineNo), null, lineNo);
      const point = {
        fHz: requiredNumber(fields, layout.freq, lineNo),
        zRealOhm: requiredNumber(fields, layout.real, lineNo),
        // Gamry's Zimag is already Im(Z) (capacitive < 0), unlike BioLogic's −Im(Z).
        zImagOhm: requiredNumber(fields, layout.imag, lineNo),
      };
      const done = this.spectra.add({ point, tsMs, cycle: null, temperatureC });
      if (done !== null) out.push({ kind: 'spectrum', spectrum: done });
      return;
    }
    const elapsedS = requiredNumber(fields, layout.time, lineNo) * layout.timeScale;
    out.push({
      kind: 'sample',
      sample: {
        seq,
        tsMs: this.session.resolveTimeMs(elapsedS, null, lineNo),
        voltageV: requiredNumber(fields, layout.voltage, lineNo) * layout.voltageScale,
        currentA: layout.current ? requiredNumber(fields, layout.current, lineNo) * layout.currentScale : 0,
        temperatureC,
        cycle: optionalNumber(fields, layout.cycle, lineNo),
        step: null,
      },
    });
  }

  private layoutFor(table: OpenTable, names: string[], units: string[], lineNo: number): TableLayout {
    this.ensureStart(lineNo);
    // Gamry names are bare (`Vf`), units sit in the next row: rebuild `name (unit)` for ColumnSet.
    const cols = new ColumnSet(
      names.map((n, i) =>
        units[i] && units[i].trim() !== '' && units[i] !== '#' ? `${n} (${units[i]})` : n,
      ),
      table.startLine + 1,
    );
    const byName = (name: string): Column | null =>
      cols.columns.find((c) => names[c.index].trim() === name) ?? null;
    const scale = (column: Column | null, kind: 'current' | 'voltage' | 'time'): number => {
      if (column === null) return 1;
      const unit = (units[column.index] ?? '').trim().split(' ')[0];
      try {
        return unitScale(unit, kind, 1);
      } catch (error) {
        throw new CyclerParseError(`${table.name}: ${(error as Error).message}`, { line: lineNo });
      }
    };
    const temperature = byName('Temp');
    if (table.name === 'ZCURVE') {
      const time = byName('Time');
      const freq = byName('Freq');
      const real = byName('Zreal');
      const imag = byName('Zimag');
      if (!time || !freq || !real || !imag) {
        throw new CyclerParseError('ZCURVE lacks Time/Freq/Zreal/Zimag', { line: table.startLine + 1 });
      }
      return { kind: 'impedance', time, freq, real, imag, temperature };
    }
    const time = byName('T');
    const voltage = byName('Vf');
    if (!/CURVE/.test(table.name) || !time || !voltage) return { kind: 'skip' };
    const current = byName('Im');
    const cycle = byName('Cycle');
    if (cycle) this.session.info.cycleColumn = 'Cycle';
    return {
      kind: 'samples',
      time,
      timeScale: scale(time, 'time'),
      voltage,
      voltageScale: scale(voltage, 'voltage'),
      current,
      currentScale: scale(current, 'current'),
      temperature,
      cycle,
    };
  }

  private ensureStart(lineNo: number): void {
    if (this.session.hasStart || this.date === null || this.time === null) return;
    const wall = parseWallClock(`${this.date.trim()} ${this.time.trim()}`, { slash: 'mdy' });
    if (wall === undefined) {
      throw new CyclerParseError(`unrecognised DATE/TIME "${this.date} ${this.time}"`, { line: lineNo });
    }
    this.session.setHeaderStart(wall, lineNo);
  }

  private closeTable(table: OpenTable, lineNo: number, out: ParsedRecord[]): void {
    this.table = null;
    if (table.declaredRows !== null && table.rows !== table.declaredRows) {
      throw new CyclerParseError(`${table.name} declares ${table.declaredRows} rows but has ${table.rows}`, {
        line: lineNo,
      });
    }
    if (table.layout?.kind === 'impedance') {
      const spectrum = this.spectra.flush();
      if (spectrum !== null) out.push({ kind: 'spectrum', spectrum });
    }
  }
}

export function createGamryDtaParser(options: ParserOptions = {}): IncrementalParser {
  return createLineParser(new GamryHandler(new ParseSession('gamry-dta', options)));
}
