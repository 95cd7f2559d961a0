import { CyclerParseError, type IncrementalParser, type ParserOptions } from '../parser.types';
import type { ColumnSet } from './columns';
import type { ParseSession } from './parse-session';
import {
  createTabularParser,
  toCelsiusFor,
  type CyclingColumns,
  type TabularDialect,
} from './tabular-parser';

/**
 * Maccor text exports: MIMS tab-delimited (`Rec#`, `Test (Sec)` or `Test (Min)`, `Amps`, `Volts`,
 * `State`, `DPt Time`) and the 2023 comma export (`Rec`, `Test Time (sec)`, `Current`, `Voltage`,
 * `DPT Time`). Metadata lines (`Today's Date`, `Date of Test:`) come before the column header,
 * which is found by its first field (`Rec#` / `Rec`), never by a fixed line count.
 */
class MaccorDialect implements TabularDialect {
  readonly format = 'maccor-txt' as const;
  delimiter: ',' | '\t' = '\t';

  isHeader(line: string, lineNo: number, session: ParseSession): boolean {
    const first = line.split(/[\t,]/)[0].trim();
    if (/^Rec#?$/i.test(first)) {
      this.delimiter = line.includes('\t') ? '\t' : ',';
      return true;
    }
    const test = /Date of Test:[\s,]*([^\t,]*?)\s*(?:\t|,|Filename:|$)/i.exec(line);
    if (test && test[1] !== '') session.info.metadata['dateOfTest'] = test[1];
    const procedure = /Procedure:\s*([^\t]*)/i.exec(line);
    if (procedure) session.info.metadata['procedure'] = procedure[1].trim();
    if (lineNo > 50)
      throw new CyclerParseError('no Maccor column header ("Rec#") in the first 50 lines', { line: lineNo });
    return false;
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const elapsed = columns.require('test time', 'test', 'test time');
    const voltage = columns.require('voltage', 'volts', 'voltage');
    const current = columns.require('current', 'amps', 'current');
    const state = columns.find('state', 'md');
    // `Cyc#` is the cycle counter; Loop1..4 are procedure loop counters (Loop1 mirrors Cyc#).
    const cycle = columns.find('cyc#', 'cycle c', 'cycle', 'cycle p');
    if (cycle) session.info.cycleColumn = cycle.name;
    const wall = columns.find('dpt time', 'dpt');
    const temperature = columns.find('temp 1', 'temp1', 'temperature');
    // Prefer the per-row clock over `Date of Test`: the latter is the date only in MIMS exports and
    // differs from the first row's clock by seconds in the 2023 export.
    if (!wall) session.warnOnce('maccor-no-dpt', 'no DPt Time column: start time unknown');
    return {
      elapsed: { column: elapsed, scaleS: columns.scale(elapsed, 'time'), style: 'duration' },
      wall: wall ? { column: wall, style: 'date', order: { slash: 'mdy' } } : undefined,
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      current: { column: current, scaleA: columns.scale(current, 'current') },
      direction: state ? { column: state, signOf: maccorSign } : undefined,
      cycle: cycle ?? undefined,
      // `Step (Sec)` shares the quantity name; the step index is the unit-less `Step`.
      step: columns.columns.find((c) => c.quantity === 'step' && c.unit === null),
      temperature: temperature
        ? { column: temperature, toCelsius: toCelsiusFor(temperature.unit) }
        : undefined,
    };
  }
}

/** Maccor state letters: C charge, D discharge, R rest, O/S other. Some templates write |I|. */
function maccorSign(state: string): 1 | -1 | null {
  const letter = state.toUpperCase();
  if (letter === 'C') return 1;
  if (letter === 'D') return -1;
  return null;
}

export function createMaccorTxtParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new MaccorDialect(), options);
}
