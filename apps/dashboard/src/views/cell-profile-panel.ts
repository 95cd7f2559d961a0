import type { ApiClient } from '../api/http-client';
import type { Cell, InterfaceModelRequest, InterfaceModelResult, TwinState } from '../api/types';
import { renderBandDiagram } from '../charts/band-diagram';
import { LineChart } from '../charts/line-chart';
import { h, setText } from '../ui/dom';
import { OKABE_ITO } from '../ui/palette';
import { errorState, isNotAvailable } from '../ui/states';

const MIN_INTERVAL_MS = 2000;
const MIN_SOC_CHANGE = 0.002;

export function modelRequestFor(cell: Cell, state: TwinState | null): InterfaceModelRequest {
  const soc = Math.min(1, Math.max(0, state?.soc ?? cell.initialSoc));
  return {
    cathode: cell.cathode,
    electrolyte: cell.electrolyte,
    ...(cell.coating ? { coating: cell.coating } : {}),
    soc,
    ...(typeof state?.temperatureC === 'number' ? { temperatureK: state.temperatureC + 273.15 } : {}),
    stackPressureMPa: cell.stackPressureMPa,
    ...(state ? { cycle: state.cycle } : {}),
  };
}

/** Profile charts (potential and Li⁺ concentration vs distance) plus the band diagram, from `/model/interface`. */
export function renderProfiles(
  charts: { potential: LineChart; concentration: LineChart },
  result: InterfaceModelResult,
): void {
  const profile = [...result.profile].sort((a, b) => a.xNm - b.xNm);
  const x = profile.map((p) => p.xNm);
  charts.potential.setData([x, profile.map((p) => p.potentialV)]);
  charts.concentration.setData([x, profile.map((p) => p.concentrationRatio)]);
}

export function profileCharts(container: HTMLElement): { potential: LineChart; concentration: LineChart } {
  const a = h('div', { class: 'chart-box' });
  const b = h('div', { class: 'chart-box' });
  container.append(a, b);
  return {
    potential: new LineChart(a, {
      title: 'Electrostatic potential',
      testId: 'chart-potential-profile',
      xLabel: 'x from cathode surface (nm)',
      yLabel: 'potential φ (V)',
      series: [{ label: 'φ', colour: OKABE_ITO.blue, width: 2 }],
    }),
    concentration: new LineChart(b, {
      title: 'Li⁺ concentration',
      testId: 'chart-concentration-profile',
      xLabel: 'x from cathode surface (nm)',
      yLabel: 'c/c₀ (1)',
      series: [{ label: 'c/c₀', colour: OKABE_ITO.vermillion, width: 2 }],
    }),
  };
}

/**
 * The cell's interface profiles at its live SOC and temperature, recomputed at most every 2 s and only
 * when SOC moved, so a 10 Hz stream costs at most one model call per two seconds.
 */
export class ProfilePanel {
  readonly element: HTMLElement;
  private readonly body = h('div');
  private readonly diagram = h('div', { class: 'diagram' });
  private readonly status = h('span', { class: 'hint', 'aria-live': 'polite' });
  private charts: ReturnType<typeof profileCharts> | null = null;
  private lastSoc = Number.NaN;
  private lastAt = 0;
  private inFlight = false;
  private stopped = false;
  private latest: TwinState | null = null;
  private timer: number | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly cell: Cell,
  ) {
    this.element = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'profile-h' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'profile-h' }, 'Interface profiles'), this.status),
      this.body,
    );
  }

  update(state: TwinState | null): void {
    this.latest = state;
    if (this.stopped || this.inFlight) return;
    const soc = state?.soc ?? this.cell.initialSoc;
    const since = Date.now() - this.lastAt;
    if (Number.isFinite(this.lastSoc) && Math.abs(soc - this.lastSoc) < MIN_SOC_CHANGE) return;
    if (since < MIN_INTERVAL_MS) {
      this.timer ??= window.setTimeout(() => {
        this.timer = null;
        this.update(this.latest);
      }, MIN_INTERVAL_MS - since);
      return;
    }
    void this.fetch(state);
  }

  destroy(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.charts?.potential.destroy();
    this.charts?.concentration.destroy();
  }

  private async fetch(state: TwinState | null): Promise<void> {
    this.inFlight = true;
    this.lastAt = Date.now();
    const request = modelRequestFor(this.cell, state);
    try {
      const result = await this.api.post<InterfaceModelResult>('/model/interface', request);
      if (this.stopped) return;
      this.lastSoc = request.soc;
      if (!this.charts) {
        const grid = h('div', { class: 'chart-grid' });
        this.body.replaceChildren(grid, h('h3', null, 'Band / potential diagram'), this.diagram);
        this.charts = profileCharts(grid);
      }
      renderProfiles(this.charts, result);
      this.diagram.replaceChildren(
        renderBandDiagram({
          cathode: this.cell.cathode,
          electrolyte: this.cell.electrolyte,
          coating: this.cell.coating,
          profile: result.profile,
          potentialDropV: result.interface.potentialDropV,
          sclThicknessNm: result.interface.thicknessNm,
        }),
      );
      setText(
        this.status,
        `at SOC ${(request.soc * 100).toFixed(1)} %${request.temperatureK ? `, ${(request.temperatureK - 273.15).toFixed(1)} °C` : ''}`,
      );
    } catch (error) {
      if (isNotAvailable(error)) this.stopped = true;
      this.body.replaceChildren(errorState(error, 'The interface model (POST /model/interface)'));
    } finally {
      this.inFlight = false;
    }
  }
}
