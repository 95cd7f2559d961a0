import type uPlot from 'uplot';
import type { TwinState } from '../api/types';
import { FrameDrawer } from '../charts/frame-batcher';
import { LineChart } from '../charts/line-chart';
import { ColumnRing } from '../charts/ring-buffer';
import { h } from '../ui/dom';
import { isRegime, OKABE_ITO, REGIME_COLOURS, regimeName, REGIMES } from '../ui/palette';

/**
 * SOC over time on a background coloured by the interface regime (a legend names each colour), so
 * regime changes can be read against the state of charge.
 */
export class RegimeTimeline {
  readonly element: HTMLElement;
  private readonly ring = new ColumnRing(20_000, 3);
  private readonly chart: LineChart;
  private readonly drawer = new FrameDrawer(() => this.draw());
  private lastSeq = -1;

  constructor() {
    const box = h('div', { class: 'chart-box' });
    const legend = h(
      'ul',
      { class: 'legend', 'aria-label': 'Regime colours' },
      ...REGIMES.map((r) =>
        h('li', null, h('span', { class: 'swatch', style: `background:${REGIME_COLOURS[r]}` }), r),
      ),
    );
    this.element = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'regime-h' },
      h('h2', { id: 'regime-h' }, 'Regime timeline'),
      legend,
      box,
    );
    this.chart = new LineChart(box, {
      title: 'Regime against SOC',
      xLabel: 'time (UTC)',
      yLabel: 'SOC (%)',
      time: true,
      series: [{ label: 'SOC', colour: OKABE_ITO.black, width: 2 }],
      drawBackground: (u) => this.paintRegimes(u),
    });
  }

  push(state: TwinState): void {
    if (state.seq <= this.lastSeq) return;
    this.lastSeq = state.seq;
    const regime = regimeName(state.regime);
    const regimeIndex = isRegime(regime) ? REGIMES.indexOf(regime) : null;
    this.ring.push([Date.parse(state.ts) / 1000, state.soc * 100, regimeIndex]);
    this.drawer.request();
  }

  destroy(): void {
    this.drawer.stop();
    this.chart.destroy();
  }

  private draw(): void {
    const cols = this.ring.columns();
    this.chart.setData([cols[0], cols[1]]);
  }

  private paintRegimes(u: uPlot): void {
    const n = this.ring.size;
    if (n < 2) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.globalAlpha = 0.22;
    const { top, height } = u.bbox;
    let runStart = 0;
    for (let i = 1; i <= n; i++) {
      const regime = this.ring.at(runStart, 2);
      if (i < n && this.ring.at(i, 2) === regime) continue;
      if (!Number.isNaN(regime)) {
        const x1 = u.valToPos(this.ring.at(runStart, 0), 'x', true);
        const x2 = u.valToPos(this.ring.at(Math.min(i, n - 1), 0), 'x', true);
        ctx.fillStyle = REGIME_COLOURS[REGIMES[regime]];
        ctx.fillRect(x1, top, Math.max(1, x2 - x1), height);
      }
      runStart = i;
    }
    ctx.restore();
  }
}
