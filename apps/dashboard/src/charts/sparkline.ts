import { ColumnRing } from './ring-buffer';

/**
 * A tiny canvas trend for table rows: values go into a ring buffer, the caller redraws at most once per
 * frame. Canvas rather than uPlot keeps 20 rows cheap.
 */
export class Sparkline {
  readonly canvas: HTMLCanvasElement;
  private readonly ring: ColumnRing;

  constructor(
    private readonly colour: string,
    capacity = 240,
    private readonly widthPx = 120,
    private readonly heightPx = 28,
  ) {
    this.ring = new ColumnRing(capacity, 1);
    this.canvas = document.createElement('canvas');
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = widthPx * dpr;
    this.canvas.height = heightPx * dpr;
    this.canvas.style.width = `${widthPx}px`;
    this.canvas.style.height = `${heightPx}px`;
  }

  push(value: number): void {
    if (Number.isFinite(value)) this.ring.push([value]);
  }

  get size(): number {
    return this.ring.size;
  }

  last(): number {
    return this.ring.last(0);
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.widthPx, this.heightPx);
    const n = this.ring.size;
    if (n < 2) return;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = this.ring.at(i, 0);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = max - min || Math.abs(max) || 1;
    ctx.strokeStyle = this.colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const x = (i / (n - 1)) * (this.widthPx - 2) + 1;
      const y = this.heightPx - 2 - ((this.ring.at(i, 0) - min) / span) * (this.heightPx - 4);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
}
