import { CyclerParseError, type IncrementalParser, type ParserOptions } from '../parser.types';
import { bdfQuantityOf, type BdfQuantity } from './bdf-columns';
import type { Column, ColumnSet } from './columns';
import type { ParseSession } from './parse-session';
import {
  createTabularParser,
  toCelsiusFor,
  type CyclingColumns,
  type TabularDialect,
} from './tabular-parser';

/**
 * Battery Data Format CSV. Units are fixed by the standard (s, V, A, °C), charge current is
 * positive. Absolute time comes from `Unix Time / s` when present; otherwise the file is relative
 * only and options.fallbackStartTimeMs anchors it (with a warning).
 */
class BdfCsvDialect implements TabularDialect {
  readonly format = 'bdf-csv' as const;
  readonly delimiter = ',' as const;

  isHeader(): boolean {
    return true;
  }

  bind(columns: ColumnSet, session: ParseSession, headerLine: number): CyclingColumns {
    const byQuantity = new Map<BdfQuantity, Column>();
    for (const column of columns.columns) {
      const quantity = bdfQuantityOf(column.name);
      if (quantity !== null && !byQuantity.has(quantity)) byQuantity.set(quantity, column);
    }
    const need = (quantity: BdfQuantity): Column => {
      const column = byQuantity.get(quantity);
      if (!column)
        throw new CyclerParseError(`BDF file lacks the required ${quantity} column`, { line: headerLine });
      return column;
    };
    const unix = byQuantity.get('unixTime');
    const cycle = byQuantity.get('cycleCount');
    if (cycle) session.info.cycleColumn = cycle.name;
    // Ambient temperature is the chamber (and a constant 0 placeholder in the Landt reference file):
    // only a cell-surface sensor is reported as the sample temperature.
    const temperature = byQuantity.get('temperatureT1');
    return {
      elapsed: { column: need('testTime'), scaleS: 1, style: 'number' },
      wall: unix ? { column: unix, style: 'epoch-seconds' } : undefined,
      voltage: { column: need('voltage'), scaleV: 1 },
      current: { column: need('current'), scaleA: 1 },
      cycle,
      step: byQuantity.get('stepIndex') ?? byQuantity.get('stepCount'),
      temperature: temperature ? { column: temperature, toCelsius: toCelsiusFor('degC') } : undefined,
    };
  }
}

export function createBdfCsvParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new BdfCsvDialect(), options);
}
