import type { SamplePoint } from '@twin/contracts';
import type { CyclerFormat, ParsedRecord, ParseWarning } from './parser.types';

export interface CycleSummary {
  index: number;
  /** Charge passed while current > 0, Ah. */
  chargeAh: number;
  /** Charge passed while current < 0, as a positive number, Ah. */
  dischargeAh: number;
}

export interface ImportSummary {
  format: CyclerFormat;
  /** Sample rows (impedance rows are counted in `spectra`). */
  rows: number;
  firstTs: string | null;
  lastTs: string | null;
  voltageMinV: number | null;
  voltageMaxV: number | null;
  cycles: CycleSummary[];
  spectra: number;
  /** 'instrument': the file's own cycle index; 'current-reversal': detected (file has no cycle column). */
  cycleSource: 'instrument' | 'current-reversal' | 'none';
  warnings: ParseWarning[];
}

const MS_PER_HOUR = 3_600_000;
/** A current counts as charge/discharge for cycle detection only above this share of the largest |I| seen. */
const DIRECTION_THRESHOLD = 0.01;

/**
 * Builds the import summary incrementally (records arrive in file order, never all in memory).
 * Capacities are the trapezoidal integral ∫I dt between consecutive samples, split at the zero
 * crossing when the current changes sign inside an interval (linear interpolation of I).
 */
export class ImportSummaryAccumulator {
  private rows = 0;
  private spectra = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;
  private minV = Infinity;
  private maxV = -Infinity;
  private prev: SamplePoint | null = null;
  private mode: 'instrument' | 'current-reversal' | null = null;
  private lastInstrumentCycle: number | null = null;
  private readonly cycles = new Map<number, CycleSummary>();
  private detectedCycle = 0;
  private lastDirection: 1 | -1 | 0 = 0;
  private maxAbsCurrentA = 0;
  private readonly ownWarnings: ParseWarning[] = [];

  constructor(private readonly format: CyclerFormat) {}

  add(record: ParsedRecord): void {
    if (record.kind === 'spectrum') {
      this.spectra += 1;
      this.noteTs(record.spectrum.tsMs);
      return;
    }
    const sample = record.sample;
    this.rows += 1;
    this.noteTs(sample.tsMs);
    this.minV = Math.min(this.minV, sample.voltageV);
    this.maxV = Math.max(this.maxV, sample.voltageV);
    const cycle = this.cycleOf(sample);
    if (this.prev !== null) this.integrate(this.prev, sample, cycle);
    else this.bucket(cycle);
    this.prev = sample;
  }

  addAll(records: Iterable<ParsedRecord>): void {
    for (const record of records) this.add(record);
  }

  finish(parserWarnings: readonly ParseWarning[] = []): ImportSummary {
    const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    return {
      format: this.format,
      rows: this.rows,
      firstTs: iso(this.minTs),
      lastTs: iso(this.maxTs),
      voltageMinV: this.rows > 0 ? this.minV : null,
      voltageMaxV: this.rows > 0 ? this.maxV : null,
      cycles: [...this.cycles.values()]
        .filter((c) => this.mode === 'instrument' || c.chargeAh > 0 || c.dischargeAh > 0)
        .sort((a, b) => a.index - b.index),
      spectra: this.spectra,
      cycleSource: this.mode ?? 'none',
      warnings: [...parserWarnings, ...this.ownWarnings],
    };
  }

  private noteTs(tsMs: number): void {
    this.minTs = Math.min(this.minTs, tsMs);
    this.maxTs = Math.max(this.maxTs, tsMs);
  }

  private cycleOf(sample: SamplePoint): number {
    if (this.mode === null)
      this.mode = sample.cycle === null || sample.cycle === undefined ? 'current-reversal' : 'instrument';
    if (this.mode === 'instrument') {
      if (sample.cycle !== null && sample.cycle !== undefined) this.lastInstrumentCycle = sample.cycle;
      return this.lastInstrumentCycle ?? 0;
    }
    // A cycle = one charge plus the discharge that follows it: a new cycle starts at the first
    // charge after a discharge (or the first charge at all). A leading discharge is cycle 0.
    this.maxAbsCurrentA = Math.max(this.maxAbsCurrentA, Math.abs(sample.currentA));
    const significant = Math.abs(sample.currentA) > DIRECTION_THRESHOLD * this.maxAbsCurrentA;
    if (significant) {
      const direction = sample.currentA > 0 ? 1 : -1;
      if (direction === 1 && this.lastDirection !== 1) this.detectedCycle += 1;
      this.lastDirection = direction;
    }
    return this.detectedCycle;
  }

  private bucket(index: number): CycleSummary {
    let entry = this.cycles.get(index);
    if (entry === undefined) {
      entry = { index, chargeAh: 0, dischargeAh: 0 };
      this.cycles.set(index, entry);
    }
    return entry;
  }

  /** The interval (prev, cur] belongs to the cycle of its closing sample. */
  private integrate(prev: SamplePoint, cur: SamplePoint, cycle: number): void {
    const entry = this.bucket(cycle);
    const dtH = (cur.tsMs - prev.tsMs) / MS_PER_HOUR;
    if (dtH <= 0) {
      if (dtH < 0) {
        this.warnOnce(`time went backwards at seq ${cur.seq}: interval skipped in capacity sums`);
      }
      return;
    }
    const i0 = prev.currentA;
    const i1 = cur.currentA;
    let chargeAh = 0;
    let dischargeAh = 0;
    if (i0 * i1 >= 0) {
      const areaAh = ((i0 + i1) / 2) * dtH;
      if (areaAh > 0) chargeAh = areaAh;
      else dischargeAh = -areaAh;
    } else {
      // Zero crossing at fraction f of the interval (linear I): two triangles of opposite sign.
      const f = i0 / (i0 - i1);
      const a0 = (i0 * f * dtH) / 2;
      const a1 = (i1 * (1 - f) * dtH) / 2;
      for (const a of [a0, a1]) {
        if (a > 0) chargeAh += a;
        else dischargeAh -= a;
      }
    }
    entry.chargeAh += chargeAh;
    entry.dischargeAh += dischargeAh;
  }

  private warnOnce(message: string): void {
    if (this.ownWarnings.length < 20) this.ownWarnings.push({ message });
  }
}

export function summarizeRecords(
  format: CyclerFormat,
  records: Iterable<ParsedRecord>,
  parserWarnings: readonly ParseWarning[] = [],
): ImportSummary {
  const accumulator = new ImportSummaryAccumulator(format);
  accumulator.addAll(records);
  return accumulator.finish(parserWarnings);
}
