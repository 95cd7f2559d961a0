import type { ImpedancePoint, SpectrumRecord } from '@twin/contracts';

export interface ImpedanceRow {
  point: ImpedancePoint;
  tsMs: number;
  cycle: number | null;
  temperatureC: number | null;
}

/**
 * Collects impedance rows into spectra. A new spectrum starts when the cycle index changes or when
 * the frequency sweep restarts (the frequency moves against the direction the sweep has been going),
 * which is how EC-Lab writes repeated PEIS sweeps inside one cycle.
 */
export class SpectrumGrouper {
  private points: ImpedancePoint[] = [];
  private first: ImpedanceRow | null = null;
  private direction = 0;

  /** Returns the spectrum this row completed, if any. */
  add(row: ImpedanceRow): SpectrumRecord | null {
    let done: SpectrumRecord | null = null;
    if (this.first !== null) {
      const last = this.points[this.points.length - 1];
      const step = Math.sign(row.point.fHz - last.fHz);
      const restarted = this.direction !== 0 && step !== 0 && step !== this.direction;
      if (row.cycle !== this.first.cycle || restarted) done = this.flush();
      else if (this.direction === 0) this.direction = step;
    }
    if (this.first === null) this.first = row;
    this.points.push(row.point);
    return done;
  }

  flush(): SpectrumRecord | null {
    if (this.first === null) return null;
    const spectrum: SpectrumRecord = {
      tsMs: this.first.tsMs,
      soc: null,
      temperatureC: this.first.temperatureC,
      cycle: this.first.cycle,
      points: this.points,
    };
    this.points = [];
    this.first = null;
    this.direction = 0;
    return spectrum;
  }
}
