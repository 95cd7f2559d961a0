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
 * BaSyTec result file: every header line starts with `~`, including the TAB-delimited column
 * header (`~Time[s]	DataSet	…`). `~Start of Test: DD.MM.YYYY HH:MM:SS` is local time.
 */
class BasytecDialect implements TabularDialect {
  readonly format = 'basytec-txt' as const;
  readonly delimiter = '\t' as const;

  isHeader(line: string, lineNo: number, session: ParseSession): boolean {
    if (!line.startsWith('~')) {
      throw new CyclerParseError('BaSyTec data before its "~" column header', { line: lineNo });
    }
    if (line.includes('\t')) return true;
    const m = /^~\s*([^:]+?)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) return false;
    const [, key, value] = m;
    if (value !== '') session.info.metadata[key] = value;
    if (/^Start of Test$/i.test(key)) {
      const wall = parseWallClock(value, { slash: 'dmy' });
      if (wall === undefined)
        throw new CyclerParseError(`unrecognised start date "${value}"`, { line: lineNo });
      session.setHeaderStart(wall, lineNo);
    }
    return false;
  }

  headerNames(line: string): string[] {
    return line.replace(/^~/, '').split('\t');
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const elapsed = columns.require('time', 'time');
    const voltage = columns.require('voltage', 'u');
    const current = columns.require('current', 'i');
    // `Cyc-Count` is the cycle counter; `Count` counts loop passes of the current program level.
    const cycle = columns.find('cyc-count');
    if (cycle) session.info.cycleColumn = cycle.name;
    const temperature = columns.find('t1');
    return {
      elapsed: { column: elapsed, scaleS: columns.scale(elapsed, 'time'), style: 'number' },
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      current: { column: current, scaleA: columns.scale(current, 'current') },
      cycle: cycle ?? undefined,
      step: columns.find('line') ?? undefined,
      temperature: temperature ? { column: temperature, toCelsius: toCelsiusFor(null) } : undefined,
    };
  }
}

export function createBasytecTxtParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new BasytecDialect(), options);
}
