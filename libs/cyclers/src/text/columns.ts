import { CyclerParseError } from '../parser.types';
import { parseDecimal } from '../util/numbers';
import { splitColumnName, unitScale, type UnitKind } from '../util/units';

export interface Column {
  index: number;
  name: string;
  quantity: string;
  unit: string | null;
}

/** The header row of a table, looked up by quantity name (never by position: exports reorder columns). */
export class ColumnSet {
  readonly columns: Column[];

  constructor(
    readonly names: string[],
    private readonly headerLine: number,
  ) {
    this.columns = names.map((name, index) => ({ index, name: name.trim(), ...splitColumnName(name) }));
  }

  get length(): number {
    return this.names.length;
  }

  /** First column whose quantity matches one of the candidates, tried in priority order. */
  find(...quantities: string[]): Column | null {
    for (const quantity of quantities) {
      const hit = this.columns.find((c) => c.quantity === quantity);
      if (hit) return hit;
    }
    return null;
  }

  require(what: string, ...quantities: string[]): Column {
    const hit = this.find(...quantities);
    if (hit === null) {
      throw new CyclerParseError(`no ${what} column (looked for ${quantities.join(', ')})`, {
        line: this.headerLine,
      });
    }
    return hit;
  }

  scale(column: Column, kind: UnitKind, fallback = 1): number {
    try {
      return unitScale(column.unit, kind, fallback);
    } catch (error) {
      throw new CyclerParseError(`column "${column.name}": ${(error as Error).message}`, {
        line: this.headerLine,
      });
    }
  }
}

export function requiredNumber(fields: string[], column: Column, line: number): number {
  const raw = fields[column.index];
  const value = parseDecimal(raw);
  if (value === undefined) {
    throw new CyclerParseError(`column "${column.name}": "${raw.trim()}" is not a number`, { line });
  }
  return value;
}

/** Empty means "not measured" (Arbin leaves cells empty); anything else must be a number. */
export function optionalNumber(fields: string[], column: Column | null, line: number): number | null {
  if (column === null) return null;
  const raw = fields[column.index];
  if (raw.trim() === '') return null;
  return requiredNumber(fields, column, line);
}
