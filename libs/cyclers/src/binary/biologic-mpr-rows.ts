import type { ImpedancePoint, SamplePoint, SpectrumRecord } from '@twin/contracts';
import { CyclerParseError } from '../parser.types';

/** A decoded row waiting for the acquisition start time (the LOG module follows the data module). */
export type PendingMprRecord =
  | { kind: 'sample'; elapsedS: number; sample: Omit<SamplePoint, 'tsMs'> }
  | { kind: 'spectrum'; elapsedS: number; spectrum: Omit<SpectrumRecord, 'tsMs'> };

type Row = ReadonlyMap<string, number>;

const MA_PER_A = 1000;
const S_PER_H = 3600;

/** Which stored columns feed the normalised record; chosen once from the column list. */
export interface MprRowPlan {
  kind: 'samples' | 'spectra';
  voltageColumn: string | null;
  currentColumn: string | null;
  /** Set when no current column is stored and <I> comes from dq/Δt, as EC-Lab's export does. */
  currentFromDq: boolean;
  cycleColumn: string | null;
  /** Human-readable cycle source for `info.cycleColumn`. */
  cycleSource: string | null;
}

export function planMprRows(names: readonly string[], idsByteOffset: number): MprRowPlan {
  const has = (n: string) => names.includes(n);
  const pick = (...candidates: string[]) => candidates.find(has) ?? null;
  if (!has('time/s')) {
    throw new CyclerParseError('.mpr data module has no time/s column (id 4)', { byteOffset: idsByteOffset });
  }
  const cycleColumn = pick('cycle number', 'half cycle');
  const cycleSource =
    cycleColumn === 'half cycle'
      ? 'half cycle (cycle number = floor(half cycle / 2), as EC-Lab exports it)'
      : cycleColumn;
  if (has('freq/Hz') && has('Re(Z)/Ohm') && has('-Im(Z)/Ohm')) {
    return {
      kind: 'spectra',
      voltageColumn: null,
      currentColumn: null,
      currentFromDq: false,
      cycleColumn,
      cycleSource,
    };
  }
  const voltageColumn = pick('Ewe/V', '<Ewe>/V');
  const currentColumn = pick('I/mA', '<I>/mA');
  const currentFromDq = currentColumn === null && has('dq/mA.h');
  if (voltageColumn === null || (currentColumn === null && !currentFromDq)) {
    throw new CyclerParseError(
      `.mpr data module lacks ${voltageColumn === null ? 'a working-electrode potential (Ewe/V, id 6 or 77)' : 'a current (I/mA id 8, <I>/mA id 11/76, or dq/mA.h id 7)'}`,
      { byteOffset: idsByteOffset },
    );
  }
  return { kind: 'samples', voltageColumn, currentColumn, currentFromDq, cycleColumn, cycleSource };
}

/** Turns decoded rows into pending samples or spectra, in file order. */
export class MprRowConverter {
  private rowIndex = 0;
  private previousTimeS: number | null = null;
  private spectrum: {
    elapsedS: number;
    cycle: number | null;
    temperatureC: number | null;
    points: ImpedancePoint[];
  } | null = null;
  private sweepDirection = 0;
  private previousFreqHz: number | null = null;

  constructor(private readonly plan: MprRowPlan) {}

  push(row: Row, byteOffset: number): PendingMprRecord[] {
    const index = this.rowIndex++;
    const timeS = need(row, 'time/s', byteOffset);
    return this.plan.kind === 'spectra'
      ? this.spectrumPoint(row, timeS, byteOffset)
      : [this.sample(row, timeS, index, byteOffset)];
  }

  /** Flushes the spectrum still being collected. */
  end(): PendingMprRecord[] {
    const open = this.closeSpectrum();
    return open ? [open] : [];
  }

  private sample(row: Row, timeS: number, seq: number, byteOffset: number): PendingMprRecord {
    const { voltageColumn, currentColumn } = this.plan;
    const voltageV = need(row, voltageColumn!, byteOffset);
    let currentMA: number;
    if (currentColumn !== null) {
      currentMA = need(row, currentColumn, byteOffset);
    } else {
      // EC-Lab exports <I> = dq / Δt over the interval that ends at this point (mA·h → mA via 3600 s/h).
      const dqMAh = need(row, 'dq/mA.h', byteOffset);
      const dtS = this.previousTimeS === null ? 0 : timeS - this.previousTimeS;
      currentMA = dtS > 0 ? (dqMAh * S_PER_H) / dtS : 0;
    }
    this.previousTimeS = timeS;
    const sample: Omit<SamplePoint, 'tsMs'> = {
      seq,
      voltageV,
      // I > 0 is oxidation at the working electrode, which EC-Lab books as charge: no flip.
      currentA: currentMA / MA_PER_A,
      cycle: this.cycle(row),
      step: row.get('Ns') ?? null,
    };
    const temperatureC = row.get('Temperature/°C');
    if (temperatureC !== undefined) sample.temperatureC = temperatureC;
    return { kind: 'sample', elapsedS: timeS, sample };
  }

  private spectrumPoint(row: Row, timeS: number, byteOffset: number): PendingMprRecord[] {
    const fHz = need(row, 'freq/Hz', byteOffset);
    const point: ImpedancePoint = {
      fHz,
      zRealOhm: need(row, 'Re(Z)/Ohm', byteOffset),
      // EC-Lab stores −Im(Z); the contract wants Im(Z) (capacitive < 0).
      zImagOhm: -need(row, '-Im(Z)/Ohm', byteOffset),
    };
    const cycle = this.cycle(row);
    const out: PendingMprRecord[] = [];
    if (this.spectrum && (cycle !== this.spectrum.cycle || this.reversesSweep(fHz))) {
      out.push(this.closeSpectrum()!);
    }
    if (!this.spectrum) {
      this.spectrum = { elapsedS: timeS, cycle, temperatureC: row.get('Temperature/°C') ?? null, points: [] };
      this.sweepDirection = 0;
      this.previousFreqHz = null;
    }
    if (this.previousFreqHz !== null && this.sweepDirection === 0)
      this.sweepDirection = Math.sign(fHz - this.previousFreqHz);
    this.previousFreqHz = fHz;
    this.spectrum.points.push(point);
    return out;
  }

  /** A frequency step against the sweep's direction starts a new sweep (repeated PEIS without a cycle column). */
  private reversesSweep(fHz: number): boolean {
    return (
      this.sweepDirection !== 0 &&
      this.previousFreqHz !== null &&
      Math.sign(fHz - this.previousFreqHz) === -this.sweepDirection
    );
  }

  private closeSpectrum(): PendingMprRecord | null {
    const open = this.spectrum;
    this.spectrum = null;
    if (!open) return null;
    return {
      kind: 'spectrum',
      elapsedS: open.elapsedS,
      spectrum: { cycle: open.cycle, temperatureC: open.temperatureC, points: open.points },
    };
  }

  private cycle(row: Row): number | null {
    const column = this.plan.cycleColumn;
    if (column === null) return null;
    const value = row.get(column);
    if (value === undefined) return null;
    return column === 'half cycle' ? Math.floor(value / 2) : value;
  }
}

function need(row: Row, name: string, byteOffset: number): number {
  const value = row.get(name);
  if (value === undefined || !Number.isFinite(value)) {
    throw new CyclerParseError(`${name} is ${value === undefined ? 'missing' : 'not a finite number'}`, {
      byteOffset,
    });
  }
  return value;
}
