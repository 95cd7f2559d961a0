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
 * Arbin CSV, both layouts seen:
 * - MITS Pro channel table as dumped by TRI's tooling: `Test_Time`, `DateTime` (Unix epoch s,
 *   whole seconds), `Current`, `Voltage`, no units in the names (s, A, V).
 * - Newer Arbin software (2024): `Test Time (s)`, `Date Time` (local `MM/DD/YYYY HH:MM:SS.fff`
 *   behind a TAB that keeps Excel from reformatting it), `Current (A)`, `Voltage (V)`.
 * The one header row is line 1 (after an optional UTF-8 BOM).
 */
class ArbinCsvDialect implements TabularDialect {
  readonly format = 'arbin-csv' as const;
  readonly delimiter = ',' as const;

  isHeader(): boolean {
    return true;
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const elapsed = columns.require('test time', 'test time');
    const wall = columns.find('datetime', 'date time');
    const voltage = columns.require('voltage', 'voltage');
    const current = columns.require('current', 'current');
    // `Cycle_Index` is the schedule's cycle counter; TC_Counter1..3 are user counters.
    const cycle = columns.find('cycle index');
    if (cycle) session.info.cycleColumn = cycle.name;
    const temperature = columns.find('temperature', 'aux temperature 1', 'aux temperature');
    const epochWall = wall !== null && wall.quantity === 'datetime' && wall.unit === null;
    return {
      elapsed: { column: elapsed, scaleS: columns.scale(elapsed, 'time'), style: 'number' },
      wall: wall
        ? epochWall
          ? { column: wall, style: 'epoch-seconds' }
          : { column: wall, style: 'date' }
        : undefined,
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      current: { column: current, scaleA: columns.scale(current, 'current') },
      cycle: cycle ?? undefined,
      step: columns.find('step index') ?? undefined,
      temperature: temperature
        ? { column: temperature, toCelsius: toCelsiusFor(temperature.unit) }
        : undefined,
    };
  }
}

export function createArbinCsvParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new ArbinCsvDialect(), options);
}
