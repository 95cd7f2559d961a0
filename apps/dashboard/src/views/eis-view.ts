import type { Cell, FitPoint, Spectrum } from '../api/types';
import { paths, type Route } from '../app/routes';
import type { View } from '../app/view';
import { alignSeries, LineChart } from '../charts/line-chart';
import { compileCircuit, logFrequencies } from '../model/circuit-eval';
import { h, options, setText } from '../ui/dom';
import { formatTime, formatValue } from '../ui/format';
import { OKABE_ITO } from '../ui/palette';
import { errorState, stateBox } from '../ui/states';

interface Curve {
  fHz: number[];
  re: number[];
  im: number[];
}

/** The fitted circuit evaluated over the measured band (extended a little), or null when it cannot be. */
export function fitCurve(spectrum: Spectrum): Curve | null {
  const fit = spectrum.fit;
  if (!fit?.circuit || spectrum.points.length === 0) return null;
  try {
    const circuit = compileCircuit(fit.circuit);
    const params = new Map(fit.parameters.map((p) => [p.name, p.value]));
    const fs = spectrum.points.map((p) => p.fHz).filter((f) => f > 0);
    const f = logFrequencies(Math.min(...fs), Math.max(...fs), 200);
    const z = f.map((fHz) => circuit.impedance(2 * Math.PI * fHz, params));
    return { fHz: f, re: z.map((v) => v[0]), im: z.map((v) => v[1]) };
  } catch {
    return null;
  }
}

/** One Bode quantity (|Z| or −φ) of the measured points and of the fitted curve, against frequency. */
function bodeSeries(
  pts: readonly { fHz: number; zRealOhm: number; zImagOhm: number }[],
  curve: Curve | null,
  of: (re: number, im: number) => number,
) {
  return alignSeries([
    { x: pts.map((p) => p.fHz), y: pts.map((p) => of(p.zRealOhm, p.zImagOhm)) },
    curve ? { x: curve.fHz, y: curve.re.map((re, i) => of(re, curve.im[i])) } : { x: [], y: [] },
  ]);
}

/** A measured quantity as points and its fit as a line, in the same colours on every EIS chart. */
function measuredAndFit(measured: string, fit: string) {
  return [
    { label: measured, colour: OKABE_ITO.blue, pointsOnly: true },
    { label: fit, colour: OKABE_ITO.vermillion, width: 2 },
  ];
}

function eisCharts(grid: HTMLElement) {
  const box = () => {
    const b = h('div', { class: 'chart-box' });
    grid.append(b);
    return b;
  };
  return {
    nyquist: new LineChart(box(), {
      testId: 'eis-nyquist',
      title: 'Nyquist',
      xLabel: 'Z′ (Ω)',
      yLabel: '−Z″ (Ω)',
      series: measuredAndFit('measured', 'fit'),
    }),
    bodeMag: new LineChart(box(), {
      title: 'Bode: magnitude',
      xLabel: 'frequency (Hz)',
      yLabel: '|Z| (Ω)',
      xLog: true,
      yLog: true,
      series: measuredAndFit('|Z| measured', '|Z| fit'),
    }),
    bodePhase: new LineChart(box(), {
      title: 'Bode: phase',
      xLabel: 'frequency (Hz)',
      yLabel: '−phase (°)',
      xLog: true,
      series: measuredAndFit('−φ measured', '−φ fit'),
    }),
    kk: new LineChart(box(), {
      title: 'Kramers–Kronig residuals (Lin-KK)',
      xLabel: 'frequency (Hz)',
      yLabel: 'residual (%)',
      xLog: true,
      series: [
        { label: 'real', colour: OKABE_ITO.bluishGreen, width: 1.5 },
        { label: 'imaginary', colour: OKABE_ITO.reddishPurple, width: 1.5, dash: [5, 3] },
      ],
    }),
  };
}

/** EIS: Nyquist and Bode with the fitted circuit, Lin-KK residuals and fitted parameters over cycles and SOC. */
export const eisView: View<Extract<Route, { view: 'eis' }>> = (root, ctx, route) => {
  const cleanups: (() => void)[] = [];
  let disposed = false;
  const cellSelect = h('select', { id: 'eis-cell' });
  const spectrumSelect = h('select', { id: 'eis-spectrum' });
  const body = h('div', null, stateBox('loading', 'Loading cells…'));
  root.append(
    h(
      'section',
      { class: 'view' },
      h('div', { class: 'view-head' }, h('h1', null, 'Impedance (EIS)')),
      h(
        'div',
        { class: 'filters' },
        h('label', { for: 'eis-cell' }, 'Cell'),
        cellSelect,
        h('label', { for: 'eis-spectrum' }, 'Spectrum'),
        spectrumSelect,
      ),
      body,
    ),
  );
  let spectra: Spectrum[] = [];
  let charts: ReturnType<typeof eisCharts> | null = null;
  let fitCharts: { cycle: LineChart; soc: LineChart } | null = null;
  const paramSelect = h('select', { id: 'eis-param' });
  const fitTable = h('div');
  const fitStatus = h('div');
  let leaveCell: (() => void) | null = null;
  cleanups.push(() => leaveCell?.());
  const destroyCharts = () => {
    if (charts) Object.values(charts).forEach((c) => c.destroy());
    fitCharts?.cycle.destroy();
    fitCharts?.soc.destroy();
    charts = null;
    fitCharts = null;
  };
  cleanups.push(destroyCharts);

  function showSpectrum(s: Spectrum | undefined): void {
    if (!s || !charts) return;
    const pts = [...s.points].sort((a, b) => a.fHz - b.fHz);
    const curve = fitCurve(s);
    const nyq = [{ x: pts.map((p) => p.zRealOhm), y: pts.map((p) => -p.zImagOhm) }];
    if (curve) nyq.push({ x: curve.re, y: curve.im.map((v) => -v) });
    else nyq.push({ x: [], y: [] });
    charts.nyquist.setData(alignSeries(nyq));
    const mag = (re: number, im: number) => Math.hypot(re, im);
    const phase = (re: number, im: number) => (-Math.atan2(im, re) * 180) / Math.PI;
    charts.bodeMag.setData(bodeSeries(pts, curve, mag));
    charts.bodePhase.setData(bodeSeries(pts, curve, phase));
    // Lin-KK residuals are per measured point, in the order the spectrum lists them.
    const byInput = s.points.map((p) => p.fHz);
    const rr = s.linKK?.residualRealPct ?? [];
    const ri = s.linKK?.residualImagPct ?? [];
    charts.kk.setData(
      alignSeries([
        { x: byInput.slice(0, rr.length), y: rr },
        { x: byInput.slice(0, ri.length), y: ri },
      ]),
    );
    fitTable.replaceChildren(
      s.fit
        ? h(
            'table',
            { class: 'compact' },
            h(
              'caption',
              null,
              `${s.fit.circuit} · rms error ${formatValue(s.fit.rmsRelErrorPct, '%')}${s.valid === false ? ' · failed validity checks' : ''}`,
            ),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'parameter'),
                h('th', { scope: 'col' }, 'value'),
                h('th', { scope: 'col' }, 'std. error'),
              ),
            ),
            h(
              'tbody',
              null,
              ...s.fit.parameters.map((p) =>
                h(
                  'tr',
                  null,
                  h('th', { scope: 'row' }, p.name),
                  h('td', { class: 'num' }, formatValue(p.value, '', 4)),
                  h('td', { class: 'num' }, formatValue(p.stdErr, '', 2)),
                ),
              ),
            ),
          )
        : stateBox('empty', 'This spectrum has no fit.'),
    );
    const names = s.fit?.parameters.map((p) => p.name) ?? [];
    if (names.join() !== [...paramSelect.options].map((o) => o.value).join()) {
      paramSelect.replaceChildren(...options(names.map((n) => ({ value: n, label: n }))));
      void loadFits();
    }
  }

  async function loadFits(): Promise<void> {
    const param = paramSelect.value;
    const cellId = cellSelect.value;
    if (!param || !fitCharts) return;
    try {
      const { points } = await ctx.api.get<{ points: FitPoint[] }>(
        `/cells/${encodeURIComponent(cellId)}/fits`,
        { param },
      );
      fitStatus.replaceChildren();
      const withCycle = points.filter((p) => p.cycle !== null);
      const withSoc = points.filter((p) => p.soc !== null);
      fitCharts.cycle.setData(
        alignSeries([{ x: withCycle.map((p) => p.cycle!), y: withCycle.map((p) => p.value) }]),
      );
      fitCharts.soc.setData(
        alignSeries([{ x: withSoc.map((p) => p.soc! * 100), y: withSoc.map((p) => p.value) }]),
      );
    } catch (error) {
      fitStatus.replaceChildren(errorState(error, 'Fitted parameters over cycles (GET /fits)'));
    }
  }

  function renderSpectra(): void {
    spectrumSelect.replaceChildren(
      ...options(
        spectra.map((s, i) => ({
          value: String(i),
          label: `${formatTime(s.ts)} · cycle ${s.cycle ?? '—'} · SOC ${s.soc !== null && s.soc !== undefined ? (s.soc * 100).toFixed(0) + ' %' : '—'}`,
        })),
        String(spectra.length - 1),
      ),
    );
    showSpectrum(spectra[spectra.length - 1]);
  }

  function buildLayout(): void {
    const grid = h('div', { class: 'chart-grid' });
    const fitGrid = h('div', { class: 'chart-grid' });
    body.replaceChildren(
      grid,
      h(
        'section',
        { class: 'panel' },
        h('h2', null, 'Fit'),
        fitTable,
        h(
          'div',
          { class: 'filters' },
          h('label', { for: 'eis-param' }, 'Parameter over cycles and SOC'),
          paramSelect,
        ),
        fitStatus,
        fitGrid,
      ),
    );
    charts = eisCharts(grid);
    const a = h('div', { class: 'chart-box' });
    const b = h('div', { class: 'chart-box' });
    fitGrid.append(a, b);
    fitCharts = {
      cycle: new LineChart(a, {
        title: 'Parameter vs cycle',
        xLabel: 'cycle',
        yLabel: 'value (parameter unit)',
        series: [{ label: 'value', colour: OKABE_ITO.blue, pointsOnly: true }],
      }),
      soc: new LineChart(b, {
        title: 'Parameter vs SOC',
        xLabel: 'SOC (%)',
        yLabel: 'value (parameter unit)',
        series: [{ label: 'value', colour: OKABE_ITO.orange, pointsOnly: true }],
      }),
    };
  }

  async function loadCell(cellId: string): Promise<void> {
    leaveCell?.();
    leaveCell = null;
    destroyCharts();
    body.replaceChildren(stateBox('loading', 'Loading spectra…'));
    try {
      const res = await ctx.api.get<{ spectra: Spectrum[] }>(`/cells/${encodeURIComponent(cellId)}/spectra`);
      if (disposed) return;
      spectra = [...(res.spectra ?? [])].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
    } catch (error) {
      spectrumSelect.replaceChildren();
      body.replaceChildren(errorState(error, 'Impedance spectra'));
      return;
    }
    paramSelect.replaceChildren();
    if (spectra.length === 0) {
      body.replaceChildren(
        stateBox('empty', 'No spectra for this cell yet.', 'They appear here live as the rig measures them.'),
      );
      spectrumSelect.replaceChildren();
    } else {
      buildLayout();
      renderSpectra();
    }
    leaveCell = ctx.live.subscribe({ cellId });
  }

  paramSelect.addEventListener('change', () => void loadFits());
  spectrumSelect.addEventListener('change', () => showSpectrum(spectra[Number(spectrumSelect.value)]));
  cellSelect.addEventListener('change', () => ctx.navigate(paths.eis(cellSelect.value)));
  cleanups.push(
    ctx.live.on('spectrum', (s) => {
      if (!cellSelect.value || (s.cellId && s.cellId !== cellSelect.value)) return;
      if (!charts) buildLayout();
      spectra.push(s);
      renderSpectra();
    }),
  );

  void (async () => {
    try {
      const { cells } = await ctx.api.get<{ cells: Cell[] }>('/cells');
      if (disposed) return;
      if (cells.length === 0) {
        body.replaceChildren(stateBox('empty', 'No cells yet.'));
        return;
      }
      const selected = route.cellId && cells.some((c) => c.id === route.cellId) ? route.cellId : cells[0].id;
      cellSelect.replaceChildren(
        ...options(
          cells.map((c) => ({ value: c.id, label: c.name ?? c.id })),
          selected,
        ),
      );
      setText(spectrumSelect, '');
      await loadCell(selected);
    } catch (error) {
      body.replaceChildren(errorState(error, 'Cells'));
    }
  })();

  return () => {
    disposed = true;
    cleanups.forEach((c) => c());
  };
};
