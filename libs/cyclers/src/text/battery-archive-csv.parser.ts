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
 * Battery Archive (batteryarchive.org) time-series CSV: `Date_Time` (local, no zone),
 * `Test_Time (s)`, `Cycle_Index` (written as a float), `Current (A)` charge positive,
 * `Voltage (V)`, `Cell_Temperature (C)` / `Environment_Temperature (C)` (often empty).
 */
class BatteryArchiveDialect implements TabularDialect {
  readonly format = 'battery-archive-csv' as const;
  readonly delimiter = ',' as const;

  isHeader(): boolean {
    return true;
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const elapsed = columns.require('test time', 'test time');
    const wall = columns.find('date time');
    const voltage = columns.require('voltage', 'voltage');
    const current = columns.require('current', 'current');
    const cycle = columns.find('cycle index');
    if (cycle) session.info.cycleColumn = cycle.name;
    // The cell's own thermocouple, not the chamber, is what the twin needs.
    const temperature = columns.find('cell temperature');
    return {
      elapsed: { column: elapsed, scaleS: columns.scale(elapsed, 'time'), style: 'number' },
      wall: wall ? { column: wall, style: 'date' } : undefined,
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      current: { column: current, scaleA: columns.scale(current, 'current') },
      cycle: cycle ?? undefined,
      temperature: temperature
        ? { column: temperature, toCelsius: toCelsiusFor(temperature.unit) }
        : undefined,
    };
  }
}

export function createBatteryArchiveCsvParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new BatteryArchiveDialect(), options);
}
