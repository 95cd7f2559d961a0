/**
 * Fixed-capacity columnar ring buffer for chart data: appends are O(1) and allocation-free, so a
 * 10 Hz stream never grows memory; `columns()` hands uPlot ordered arrays (NaN → null, uPlot's gap).
 */
export class ColumnRing {
  private readonly data: Float64Array[];
  private start = 0;
  private length = 0;

  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.data = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  get size(): number {
    return this.length;
  }

  /** Appends one row; missing values (null/undefined) are stored as NaN. Overwrites the oldest row when full. */
  push(row: readonly (number | null | undefined)[]): void {
    const index = (this.start + this.length) % this.capacity;
    for (let c = 0; c < this.width; c++) {
      const v = row[c];
      this.data[c][index] = typeof v === 'number' ? v : Number.NaN;
    }
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }

  /** Value of column `c` in the row `i` places after the oldest one. */
  at(i: number, c: number): number {
    return this.data[c][(this.start + i) % this.capacity];
  }

  /** The last row's value of column `c`, or NaN when empty. */
  last(c: number): number {
    return this.length === 0 ? Number.NaN : this.at(this.length - 1, c);
  }

  /** Ordered columns, oldest first. */
  columns(): (number | null)[][] {
    const out: (number | null)[][] = [];
    for (let c = 0; c < this.width; c++) {
      const col = new Array<number | null>(this.length);
      for (let i = 0; i < this.length; i++) {
        const v = this.at(i, c);
        col[i] = Number.isNaN(v) ? null : v;
      }
      out.push(col);
    }
    return out;
  }
}
