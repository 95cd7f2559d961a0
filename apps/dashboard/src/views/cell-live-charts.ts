import type { ApiClient } from '../api/http-client';
import type { SeriesBucket, TwinState } from '../api/types';
import { FrameDrawer } from '../charts/frame-batcher';
import { LineChart } from '../charts/line-chart';
import { ColumnRing } from '../charts/ring-buffer';
import { h, setText } from '../ui/dom';
import { formatTime } from '../ui/format';
import { OKABE_ITO } from '../ui/palette';
import { errorState } from '../ui/states';

// 10 Hz for an hour: the longest live window, so no event is dropped while the window shows it.
const CAPACITY = 36_000;
const MAX_BUCKETS = 800;
const COL = { t: 0, v: 1, i: 2, soc: 3, temp: 4 } as const;

type Mode = { kind: 'live' } | { kind: 'zoomed'; fromSec: number; toSec: number; history: boolean };

/** Bucket (whole seconds) so that a span gives at most MAX_BUCKETS rows from `/series`. */
export function bucketSecondsFor(spanSec: number): number {
  return Math.max(1, Math.ceil(spanSec / MAX_BUCKETS));
}

/**
 * Voltage, current, SOC and temperature over the last N minutes. Live states go into a ring buffer and
 * the four charts are redrawn at most once per frame; zooming out past the buffer, or "Whole history",
 * loads min/avg/max buckets from `/series` and holds the view until "Back to live".
 */
export class LiveCharts {
  readonly element: HTMLElement;
  private readonly ring = new ColumnRing(CAPACITY, 5);
  private readonly charts: LineChart[];
  private readonly drawer: FrameDrawer;
  private readonly status = h('span', { class: 'hint', 'aria-live': 'polite' });
  private readonly liveButton: HTMLButtonElement;
  private readonly windowSelect: HTMLSelectElement;
  private readonly notice = h('div');
  private windowSec = 15 * 60;
  private mode: Mode = { kind: 'live' };
  private lastSeq = -1;
  private backfilled = false;
  private pending: TwinState[] = [];
  private history: SeriesBucket[] | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly cellId: string,
  ) {
    this.windowSelect = h(
      'select',
      { id: 'live-window', onchange: () => this.changeWindow() },
      ...[5, 15, 60].map((m) => h('option', { value: String(m * 60), selected: m === 15 }, `last ${m} min`)),
    );
    this.liveButton = h(
      'button',
      { type: 'button', onclick: () => this.backToLive(), disabled: true },
      'Back to live',
    );
    const historyButton = h(
      'button',
      { type: 'button', onclick: () => void this.wholeHistory() },
      'Whole history',
    );
    const grid = h('div', { class: 'chart-grid' });
    const sync = `cell-${cellId}`;
    const onZoom = (min: number, max: number) => void this.zoomTo(min, max);
    const time = { xLabel: 'time (UTC)', time: true, sync, onZoom, height: 200 };
    const specs = [
      { id: 'voltage', title: 'Voltage', yLabel: 'voltage (V)', label: 'V', colour: OKABE_ITO.blue },
      { id: 'current', title: 'Current', yLabel: 'current (A)', label: 'I', colour: OKABE_ITO.vermillion },
      { id: 'soc', title: 'State of charge', yLabel: 'SOC (%)', label: 'SOC', colour: OKABE_ITO.bluishGreen },
      {
        id: 'temperature',
        title: 'Temperature',
        yLabel: 'temperature (°C)',
        label: 'T',
        colour: OKABE_ITO.orange,
      },
    ];
    this.charts = specs.map((s) => {
      const box = h('div', { class: 'chart-box' });
      grid.append(box);
      return new LineChart(box, {
        ...time,
        testId: `chart-${s.id}`,
        title: s.title,
        yLabel: s.yLabel,
        series: [{ label: s.label, colour: s.colour }],
      });
    });
    this.drawer = new FrameDrawer(() => this.draw());
    this.element = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'live-h' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', { id: 'live-h' }, 'Live signals'),
        h('label', { for: 'live-window' }, 'Window'),
        this.windowSelect,
        historyButton,
        this.liveButton,
        this.status,
      ),
      this.notice,
      grid,
      h(
        'p',
        { class: 'hint' },
        'Drag across a chart to zoom; zooming past the live buffer loads history from the server.',
      ),
    );
  }

  /** First fill: the last window from `/series` (bucketed), then the current state. */
  async start(state: TwinState | null, at: string | null): Promise<void> {
    if (state) {
      const toMs = Date.parse(state.ts) + 1;
      const fromMs = toMs - this.windowSec * 1000;
      try {
        const rows = await this.fetchSeries(fromMs, toMs);
        for (const b of rows)
          this.ring.push([
            Date.parse(b.ts) / 1000,
            b.voltageV.avg,
            b.currentA.avg,
            null,
            b.temperatureC?.avg,
          ]);
      } catch (error) {
        this.notice.replaceChildren(errorState(error, 'Recent history'));
      }
    }
    this.backfilled = true;
    if (state) this.push(state);
    for (const s of this.pending) this.push(s);
    this.pending = [];
    if (at) {
      const atSec = Date.parse(at) / 1000;
      if (Number.isFinite(atSec)) await this.zoomTo(atSec - 600, atSec + 600, true);
    }
    this.drawer.request();
  }

  push(state: TwinState): void {
    if (!this.backfilled) {
      this.pending.push(state);
      return;
    }
    if (state.seq <= this.lastSeq) return;
    const tSec = Date.parse(state.ts) / 1000;
    // A bucket from the backfill may sit at or after the first live state: keep time increasing for uPlot.
    if (this.ring.size > 0 && tSec < this.ring.last(COL.t)) return;
    this.lastSeq = state.seq;
    this.ring.push([tSec, state.voltageV, state.currentA, state.soc * 100, state.temperatureC]);
    if (this.mode.kind === 'live') this.drawer.request();
  }

  destroy(): void {
    this.drawer.stop();
    this.charts.forEach((c) => c.destroy());
  }

  private changeWindow(): void {
    this.windowSec = Number(this.windowSelect.value);
    this.backToLive();
  }

  private backToLive(): void {
    this.mode = { kind: 'live' };
    this.history = null;
    this.liveButton.disabled = true;
    setText(this.status, '');
    this.drawer.request();
  }

  private draw(): void {
    const cols = this.ring.columns();
    const t = cols[COL.t] as number[];
    if (this.mode.kind === 'live') {
      const last = t.length ? t[t.length - 1] : Date.now() / 1000;
      // Live: only the rows in the window go to uPlot, so the axis follows the newest sample.
      let first = 0;
      while (first < t.length && t[first] < last - this.windowSec) first++;
      const slice = (c: (number | null)[]) => c.slice(first);
      this.charts.forEach((chart, k) => chart.setData([slice(t), slice(cols[k + 1])]));
      if (t.length === 0) setText(this.status, 'No samples yet: the charts fill as the rig streams.');
      else setText(this.status, '');
      return;
    }
    const { fromSec, toSec } = this.mode;
    if (this.history) {
      const ht = this.history.map((b) => Date.parse(b.ts) / 1000);
      const pick = (f: (b: SeriesBucket) => number | null | undefined) =>
        this.history!.map((b) => f(b) ?? null);
      this.charts[0].setData([ht, pick((b) => b.voltageV.avg)]);
      this.charts[1].setData([ht, pick((b) => b.currentA.avg)]);
      this.charts[3].setData([ht, pick((b) => b.temperatureC?.avg)]);
      this.charts[2].setData([t, cols[COL.soc]]);
    } else {
      this.charts.forEach((chart, k) => chart.setData([t, cols[k + 1]]));
    }
    this.charts.forEach((c) => c.setXRange(fromSec, toSec));
  }

  private async zoomTo(fromSec: number, toSec: number, forceHistory = false): Promise<void> {
    // Cursor sync makes every chart report the same drag: handle it once.
    if (
      this.mode.kind === 'zoomed' &&
      Math.abs(this.mode.fromSec - fromSec) < 1e-3 &&
      Math.abs(this.mode.toSec - toSec) < 1e-3
    )
      return;
    this.liveButton.disabled = false;
    const oldest = this.ring.size ? this.ring.at(0, COL.t) : Infinity;
    const needsHistory = forceHistory || fromSec < oldest;
    this.mode = { kind: 'zoomed', fromSec, toSec, history: needsHistory };
    if (!needsHistory) {
      this.history = null;
      setText(
        this.status,
        `Paused at ${formatTime(new Date(fromSec * 1000).toISOString())} – ${formatTime(new Date(toSec * 1000).toISOString())}`,
      );
      this.drawer.request();
      return;
    }
    setText(this.status, 'Loading history…');
    try {
      this.history = await this.fetchSeries(fromSec * 1000, toSec * 1000);
      const bucket = bucketSecondsFor(toSec - fromSec);
      setText(
        this.status,
        `History ${formatTime(new Date(fromSec * 1000).toISOString())} – ${formatTime(new Date(toSec * 1000).toISOString())}, ${bucket} s buckets (average)`,
      );
      this.notice.replaceChildren();
    } catch (error) {
      this.history = null;
      setText(this.status, '');
      this.notice.replaceChildren(errorState(error, 'History'));
    }
    this.drawer.request();
  }

  private async wholeHistory(): Promise<void> {
    try {
      const first = await this.api.get<{ samples: { ts: string }[] }>(
        `/cells/${encodeURIComponent(this.cellId)}/samples`,
        { limit: 1 },
      );
      if (first.samples.length === 0) {
        setText(this.status, 'No samples stored for this cell yet.');
        return;
      }
      const fromSec = Date.parse(first.samples[0].ts) / 1000;
      const lastT = this.ring.last(COL.t);
      const toSec = Number.isFinite(lastT) ? lastT + 1 : Date.now() / 1000;
      await this.zoomTo(fromSec, Math.max(toSec, fromSec + 1), true);
    } catch (error) {
      this.notice.replaceChildren(errorState(error, 'History'));
    }
  }

  private async fetchSeries(fromMs: number, toMs: number): Promise<SeriesBucket[]> {
    const res = await this.api.get<{ series: SeriesBucket[] }>(
      `/cells/${encodeURIComponent(this.cellId)}/series`,
      {
        from: new Date(Math.floor(fromMs)).toISOString(),
        to: new Date(Math.ceil(toMs)).toISOString(),
        bucket: `${bucketSecondsFor((toMs - fromMs) / 1000)}s`,
      },
    );
    return res.series;
  }
}
