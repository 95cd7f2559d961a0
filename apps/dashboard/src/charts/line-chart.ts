import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  colour: string;
  /** Scale key: 'y' (left axis) unless given; a second key gets the right axis. */
  scale?: string;
  width?: number;
  dash?: number[];
  /** Points only (measured data), no line. */
  pointsOnly?: boolean;
  /** Line with a marker on each point (sparse data such as one value per cycle). */
  markers?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  y2Scale?: string;
  time?: boolean;
  xLog?: boolean;
  yLog?: boolean;
  height?: number;
  series: ChartSeries[];
  /** Charts with the same key share the cursor. */
  sync?: string;
  /** Called with the new x range when the user zooms by dragging. */
  onZoom?: (min: number, max: number) => void;
  /** `data-testid` of the chart box, which also carries `data-points` (rows drawn) for tests. */
  testId?: string;
  /** Draws on the plot canvas under the series (regime bands, …). */
  drawBackground?: (u: uPlot) => void;
}

/** Axis labels carry units; time axes in UTC so every browser shows the rig's clock the same way. */
export class LineChart {
  readonly plot: uPlot;
  private readonly observer: ResizeObserver;
  private userZoom = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly opts: ChartOptions,
  ) {
    container.classList.add('chart');
    if (opts.testId) container.dataset.testid = opts.testId;
    container.dataset.points = '0';
    const width = Math.max(240, container.clientWidth || 480);
    const y2 = opts.y2Scale ?? 'y2';
    const axes: uPlot.Axis[] = [
      { label: opts.xLabel, stroke: '#333', grid: { stroke: '#e6e6e6' } },
      { label: opts.yLabel, stroke: '#333', grid: { stroke: '#e6e6e6' }, size: 64 },
    ];
    if (opts.y2Label)
      axes.push({ label: opts.y2Label, scale: y2, side: 1, stroke: '#333', grid: { show: false }, size: 64 });
    this.plot = new uPlot(
      {
        title: opts.title,
        width,
        height: opts.height ?? 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        cursor: {
          sync: opts.sync ? { key: opts.sync } : undefined,
          drag: { x: true, y: false, setScale: true },
        },
        scales: {
          x: { time: opts.time ?? false, distr: opts.xLog ? 3 : 1 },
          y: { distr: opts.yLog ? 3 : 1 },
        },
        legend: { live: true },
        axes,
        series: [
          { label: opts.xLabel },
          ...opts.series.map<uPlot.Series>((s) => ({
            label: s.label,
            stroke: s.colour,
            width: s.width ?? 1.5,
            dash: s.dash,
            scale: s.scale ?? 'y',
            spanGaps: true,
            ...(s.pointsOnly
              ? { paths: () => null, points: { show: true, size: 6, stroke: s.colour, fill: s.colour } }
              : { points: { show: s.markers ?? false, size: 6, stroke: s.colour, fill: '#fff' } }),
          })),
        ],
        hooks: {
          setSelect: [(u) => void (this.userZoom = u.select.width > 0)],
          setScale: [
            (u, key) => {
              if (key !== 'x' || !this.userZoom) return;
              this.userZoom = false;
              const { min, max } = u.scales.x;
              if (min !== undefined && max !== undefined && opts.onZoom) opts.onZoom(min, max);
            },
          ],
          drawClear: opts.drawBackground ? [(u) => opts.drawBackground!(u)] : [],
        },
      },
      [[], ...opts.series.map(() => [])] as unknown as uPlot.AlignedData,
      container,
    );
    this.observer = new ResizeObserver(() => {
      const w = this.container.clientWidth;
      if (w > 0 && Math.abs(w - this.plot.width) > 1)
        this.plot.setSize({ width: w, height: this.plot.height });
    });
    this.observer.observe(container);
  }

  /** Replaces the data (uPlot redraws once); `resetScales` false keeps the user's zoom. */
  setData(data: (ArrayLike<number | null> | number[])[], resetScales = true): void {
    this.plot.setData(data as unknown as uPlot.AlignedData, resetScales);
    this.container.dataset.points = String(data[0]?.length ?? 0);
  }

  setXRange(min: number, max: number): void {
    if (Number.isFinite(min) && Number.isFinite(max) && max > min) this.plot.setScale('x', { min, max });
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }
}

/** Joins series that have their own x values onto one sorted x axis (uPlot's aligned data), gaps as null. */
export function alignSeries(series: { x: number[]; y: number[] }[]): (number | null)[][] {
  return uPlot.join(
    series.map((s) => {
      const order = s.x.map((_, i) => i).sort((a, b) => s.x[a] - s.x[b]);
      return [order.map((i) => s.x[i]), order.map((i) => s.y[i])] as [number[], number[]];
    }) as uPlot.AlignedData[],
  ) as unknown as (number | null)[][];
}
