import { CyclerParseError, type IncrementalParser, type ParserOptions } from '../parser.types';
import { parseWallClock } from '../util/date-time';
import type { ColumnSet } from './columns';
import type { ParseSession } from './parse-session';
import {
  createTabularParser,
  toCelsiusFor,
  type CyclingColumns,
  type TabularDialect,
} from './tabular-parser';

/**
 * Novonix UHPC CSV: `[Summary]` (key: value, `Started:` local time), `[Protocol]` (one JSON
 * line), then `[Data]` followed by the column header. Times are in hours (`Run Time (h)`).
 */
class NovonixDialect implements TabularDialect {
  readonly format = 'novonix-csv' as const;
  readonly delimiter = ',' as const;
  private inData = false;
  private inSummary = false;

  isHeader(line: string, lineNo: number, session: ParseSession): boolean {
    const text = line.trim();
    if (this.inData) return text !== '';
    if (text === '[Data]') {
      this.inData = true;
      return false;
    }
    if (text === '[Summary]') this.inSummary = true;
    else if (text === '[End Summary]') this.inSummary = false;
    else if (this.inSummary) {
      const m = /^([^:]+?)\s*:\s*(.*)$/.exec(text);
      if (m && m[2] !== '') {
        session.info.metadata[m[1]] = m[2];
        if (m[1] === 'Started') {
          const wall = parseWallClock(m[2]);
          if (wall === undefined)
            throw new CyclerParseError(`unrecognised start time "${m[2]}"`, { line: lineNo });
          session.setHeaderStart(wall, lineNo);
        }
      }
    }
    return false;
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const elapsed = columns.require('run time', 'run time');
    const voltage = columns.require('voltage', 'potential', 'voltage');
    const current = columns.require('current', 'current');
    const cycle = columns.find('cycle number');
    if (cycle) session.info.cycleColumn = cycle.name;
    const temperature = columns.find('temperature');
    const wall = columns.find('date and time');
    return {
      elapsed: { column: elapsed, scaleS: columns.scale(elapsed, 'time'), style: 'number' },
      wall: wall ? { column: wall, style: 'date' } : undefined,
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      current: { column: current, scaleA: columns.scale(current, 'current') },
      cycle: cycle ?? undefined,
      step: columns.find('step number') ?? undefined,
      temperature: temperature
        ? { column: temperature, toCelsius: toCelsiusFor(temperature.unit) }
        : undefined,
    };
  }
}

export function createNovonixCsvParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new NovonixDialect(), options);
}
