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
 * BioLogic EC-Lab / BT-Lab `.mpt` text export. Line 2 states the header length (`Nb header
 * lines : N`, counting the column-header line), so nothing is guessed; metadata lines before it
 * are `key : value`. `time/s` counts from "Acquisition started on" (local time, no zone).
 */
class BiologicMptDialect implements TabularDialect {
  readonly format = 'biologic-mpt' as const;
  readonly delimiter = '\t' as const;
  private headerLines: number | null = null;
  private absoluteTime = false;

  isHeader(line: string, lineNo: number, session: ParseSession): boolean {
    if (lineNo === 1) {
      if (!/^(EC|BT)-Lab ASCII FILE/i.test(line.trim())) {
        throw new CyclerParseError('not an EC-Lab/BT-Lab ASCII file (line 1)', { line: lineNo });
      }
      session.info.metadata['software'] = line.trim().split(' ')[0];
      return false;
    }
    if (lineNo === 2) {
      const m = /^Nb header lines\s*:\s*(\d+)/i.exec(line.trim());
      if (!m) throw new CyclerParseError('missing "Nb header lines : N" on line 2', { line: lineNo });
      this.headerLines = Number(m[1]);
      if (this.headerLines < 3) throw new CyclerParseError('header shorter than 3 lines', { line: lineNo });
      return this.headerLines === 2;
    }
    if (lineNo === this.headerLines) return true;
    this.readMetadata(line, lineNo, session);
    return false;
  }

  private readMetadata(line: string, lineNo: number, session: ParseSession): void {
    if (lineNo === 4 && line.trim() !== '' && !line.includes(' : '))
      session.info.metadata['technique'] = line.trim();
    const m = /^\s*([^:]+?)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) return;
    const [, key, value] = m;
    if (/^Acquisition started on$/i.test(key)) {
      const wall = parseWallClock(value);
      if (wall === undefined) {
        throw new CyclerParseError(`unrecognised "Acquisition started on" date "${value}"`, { line: lineNo });
      }
      session.setHeaderStart(wall, lineNo);
    } else if (/^Time format$/i.test(key)) {
      this.absoluteTime = /absolute/i.test(value);
    }
    if (!(key in session.info.metadata) && value !== '') session.info.metadata[key] = value;
  }

  bind(columns: ColumnSet, session: ParseSession): CyclingColumns {
    const time = columns.require('time', 'time');
    const freq = columns.find('freq');
    const voltage = freq
      ? columns.require('voltage', 'ewe', '<ewe>', 'ecell', '<ecell>')
      : columns.require('voltage', 'ewe', 'ecell', '<ewe>', '<ecell>');
    const current = columns.require('current', 'i', '<i>');
    const cycle = columns.find('cycle number');
    if (cycle) session.info.cycleColumn = cycle.name;
    session.info.metadata['voltageColumn'] = voltage.name;
    session.info.metadata['currentColumn'] = current.name;
    const temperature = columns.find('temperature');
    const imag = columns.find('-im(z)');
    const real = columns.find('re(z)');
    return {
      ...(this.absoluteTime
        ? { wall: { column: time, style: 'date' as const } }
        : { elapsed: { column: time, scaleS: columns.scale(time, 'time'), style: 'number' as const } }),
      voltage: { column: voltage, scaleV: columns.scale(voltage, 'voltage') },
      // EC-Lab: I > 0 is oxidation at the working electrode, which it books as "charge".
      current: { column: current, scaleA: columns.scale(current, 'current') },
      cycle: cycle ?? undefined,
      step: columns.find('ns') ?? undefined,
      temperature: temperature
        ? { column: temperature, toCelsius: toCelsiusFor(temperature.unit) }
        : undefined,
      impedance:
        freq && real && imag
          ? { freq, real, imag, imagSign: -1 }
          : freq && real && columns.find('im(z)')
            ? { freq, real, imag: columns.find('im(z)')!, imagSign: 1 }
            : undefined,
    };
  }
}

export function createBiologicMptParser(options: ParserOptions = {}): IncrementalParser {
  return createTabularParser(new BiologicMptDialect(), options);
}
