import type { IncrementalParser, ParserOptions } from '../parser.types';
import type { ColumnSet } from './columns';
import type { ParseSession } from './parse-session';
import {
  createTabularParser,
  toCelsiusFor,
  type CyclingColumns,
  type TabularDialect,
} from './tabular-parser';

/**
 * Neware BTS (BTSDA) record-level CSV. `Time` is step time and `Cumulative Time` test time, both
 * `H:MM:SS` with hours past 24; `Date` is local wall clock. The two clocks drift apart (~17 s in
 * 6 days in the fixture), so absolute time = first `Date` − its cumulative time + cumulative time.
 */
class NewareCsvDialect implements TabularDialect {
  readonly format = 'neware-csv' as const;
  readonly delimiter = ',' as const;

  isHeader(): boolean {
    return true;
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const elapsed = columns.require('test time', 'cumulative time', 'total time', 'test time');
    const wall = columns.find('date', 'realtime', 'absolute time');
    const voltage = columns.require('voltage', 'voltage');
    const current = columns.require('current', 'current');
    const cycle = columns.find('cycle index', 'cycle id', 'cycle');
    if (cycle) session.info.cycleColumn = cycle.name;
    const stepType = columns.find('step type', 'status');
    const temperature = columns.find('t1', 'temperature', 'aux temperature');
    return {
      elapsed: { column: elapsed, scaleS: columns.scale(elapsed, 'time'), style: 'duration' },
      wall: wall ? { column: wall, style: 'date', order: { slash: 'mdy' } } : undefined,
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      current: { column: current, scaleA: columns.scale(current, 'current') },
      // Some BTSDA templates export |I|; the step type names the direction.
      direction: stepType ? { column: stepType, signOf: newareSign } : undefined,
      cycle: cycle ?? undefined,
      step: columns.find('step index', 'step id', 'step') ?? undefined,
      temperature: temperature
        ? { column: temperature, toCelsius: toCelsiusFor(temperature.unit) }
        : undefined,
    };
  }
}

function newareSign(stepType: string): 1 | -1 | null {
  if (/dchg|discharge/i.test(stepType)) return -1;
  if (/chg|charge/i.test(stepType)) return 1;
  return null;
}

export function createNewareCsvParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new NewareCsvDialect(), options);
}
