import type { TwinState } from '../api/types';
import { FrameDrawer } from '../charts/frame-batcher';
import { LineChart } from '../charts/line-chart';
import { h } from '../ui/dom';
import { OKABE_ITO } from '../ui/palette';

interface CyclePoint {
  predicted: number | null;
  measured: number | null;
  residual: number | null;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Measured vs predicted interface resistance per cycle, residual on the right axis. One point per cycle
 * (its latest state); the measured value arrives when the EIS side fits a spectrum.
 */
export class ResistanceChart {
  readonly element: HTMLElement;
  private readonly byCycle = new Map<number, CyclePoint>();
  private readonly chart: LineChart;
  private readonly drawer = new FrameDrawer(() => this.draw());
  private readonly empty = h(
    'p',
    { class: 'hint' },
    'Filled per cycle from the live states of this session (model outputs needed).',
  );

  constructor() {
    const box = h('div', { class: 'chart-box' });
    this.element = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'rint-h' },
      h('h2', { id: 'rint-h' }, 'Interface resistance over cycles'),
      box,
      this.empty,
    );
    this.chart = new LineChart(box, {
      title: 'Measured vs predicted',
      xLabel: 'cycle',
      yLabel: 'R_int (Ω·cm²)',
      y2Label: 'residual (Ω·cm²)',
      series: [
        { label: 'predicted', colour: OKABE_ITO.blue, width: 2, markers: true },
        { label: 'measured', colour: OKABE_ITO.vermillion, pointsOnly: true },
        { label: 'residual', colour: OKABE_ITO.reddishPurple, scale: 'y2', dash: [6, 4], markers: true },
      ],
    });
  }

  push(state: TwinState): void {
    const point: CyclePoint = {
      predicted: num(state.interface?.predictedInterfaceResistanceOhmCm2),
      measured: num(state.measuredInterfaceResistanceOhmCm2),
      residual: num(state.residualOhmCm2),
    };
    if (point.predicted === null && point.measured === null) return;
    const prev = this.byCycle.get(state.cycle);
    this.byCycle.set(state.cycle, {
      predicted: point.predicted ?? prev?.predicted ?? null,
      measured: point.measured ?? prev?.measured ?? null,
      residual: point.residual ?? prev?.residual ?? null,
    });
    this.drawer.request();
  }

  destroy(): void {
    this.drawer.stop();
    this.chart.destroy();
  }

  private draw(): void {
    const cycles = [...this.byCycle.keys()].sort((a, b) => a - b);
    const get = (k: keyof CyclePoint) => cycles.map((c) => this.byCycle.get(c)![k]);
    this.chart.setData([cycles, get('predicted'), get('measured'), get('residual')]);
    this.empty.hidden = cycles.length > 0;
  }
}
