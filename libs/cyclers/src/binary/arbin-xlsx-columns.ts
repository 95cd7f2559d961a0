import { CyclerParseError } from '../parser.types';

/** Where each needed quantity sits in an Arbin "Data Pro" channel sheet (0-based columns). */
export interface ArbinColumns {
  dateTime: number | null;
  testTimeS: number;
  stepIndex: number | null;
  cycleIndex: number | null;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
}

const normalise = (name: string) => name.toLowerCase().replace(/[\s_]+/g, '');

/**
 * Maps header names to columns. Arbin writes `Test_Time(s)`, `Voltage(V)`, `Current(A)`,
 * `Cycle_Index`, `Step_Index`, `Date_Time`; names are compared without case, spaces or
 * underscores so MITS Pro 8 variants (`Test Time (s)`) map too.
 */
export function mapArbinColumns(
  header: ReadonlyMap<number, string>,
  sheet: string,
  rowNumber: number,
): ArbinColumns {
  const byName = new Map<string, number>();
  for (const [column, name] of header) byName.set(normalise(name), column);
  const find = (...names: string[]) => {
    for (const n of names) {
      const column = byName.get(normalise(n));
      if (column !== undefined) return column;
    }
    return null;
  };
  const required = (label: string, ...names: string[]) => {
    const column = find(...names);
    if (column === null) {
      throw new CyclerParseError(`sheet ${sheet}: no ${label} column (looked for ${names.join(', ')})`, {
        line: rowNumber,
      });
    }
    return column;
  };
  let temperatureC: number | null = null;
  for (const [column, name] of header) {
    if (/temperature/i.test(name) && /\((c|°c|degc)\)/i.test(name)) {
      temperatureC = column;
      break;
    }
  }
  return {
    dateTime: find('Date_Time', 'Date Time', 'DateTime'),
    testTimeS: required('test time', 'Test_Time(s)', 'Test Time (s)'),
    stepIndex: find('Step_Index', 'Step Index'),
    cycleIndex: find('Cycle_Index', 'Cycle Index'),
    voltageV: required('voltage', 'Voltage(V)', 'Voltage (V)'),
    currentA: required('current', 'Current(A)', 'Current (A)'),
    temperatureC,
  };
}
