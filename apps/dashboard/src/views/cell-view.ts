import type { Cell, TwinState } from '../api/types';
import { paths, type Route } from '../app/routes';
import type { View } from '../app/view';
import { FrameBatcher } from '../charts/frame-batcher';
import { h, setText } from '../ui/dom';
import { formatSoc, formatTime, formatValue } from '../ui/format';
import { regimeBadge, updateRegimeBadge } from '../ui/regime-badge';
import { errorState, stateBox } from '../ui/states';
import { InterfacePanel } from './cell-interface-panel';
import { LiveCharts } from './cell-live-charts';
import { ProfilePanel } from './cell-profile-panel';
import { RegimeTimeline } from './cell-regime-timeline';
import { ResistanceChart } from './cell-resistance-chart';

/** One cell, live: signals, interface panel and profiles, resistance over cycles, regime timeline. */
export const cellView: View<Extract<Route, { view: 'cell' }>> = (root, ctx, route) => {
  const cleanups: (() => void)[] = [];
  let disposed = false;
  const section = h('section', { class: 'view' }, stateBox('loading', `Loading cell ${route.cellId}…`));
  root.append(section);

  void (async () => {
    let cell: Cell;
    try {
      cell = await ctx.api.get<Cell>(`/cells/${encodeURIComponent(route.cellId)}`);
    } catch (error) {
      section.replaceChildren(
        h('p', null, h('a', { href: paths.cells(), 'data-link': true }, '← All cells')),
        errorState(error, `Cell ${route.cellId}`),
      );
      return;
    }
    if (disposed) return;

    const now = {
      soc: h('dd', { 'data-testid': `cell-soc-${cell.id}` }, '—'),
      voltage: h('dd', null, '—'),
      current: h('dd', null, '—'),
      temperature: h('dd', null, '—'),
      cycle: h('dd', null, '—'),
      updated: h('dd', null, '—'),
      regime: regimeBadge(undefined, `cell-regime-${cell.id}`),
    };
    const liveCharts = new LiveCharts(ctx.api, cell.id);
    const iface = new InterfacePanel();
    const profiles = new ProfilePanel(ctx.api, cell);
    const resistance = new ResistanceChart();
    const timeline = new RegimeTimeline();
    cleanups.push(
      () => liveCharts.destroy(),
      () => profiles.destroy(),
      () => resistance.destroy(),
      () => timeline.destroy(),
    );

    const materials = [
      cell.cathode,
      cell.coating ? `${cell.coating.material} (${cell.coating.thicknessNm} nm)` : null,
      cell.electrolyte,
      cell.anode,
    ]
      .filter(Boolean)
      .join(' | ');
    section.replaceChildren(
      h(
        'div',
        { class: 'view-head' },
        h('p', null, h('a', { href: paths.cells(), 'data-link': true }, '← All cells')),
        h('h1', null, cell.name ?? cell.id),
        h(
          'p',
          { class: 'muted' },
          `${materials} · ${cell.nominalCapacityAh} Ah · ${cell.electrodeAreaCm2} cm² · ${cell.stackPressureMPa} MPa`,
        ),
        h('p', null, h('a', { href: paths.eis(cell.id), 'data-link': true }, 'Impedance spectra →')),
      ),
      h(
        'dl',
        { class: 'metrics now', 'aria-label': 'Latest state' },
        ...(
          [
            ['SOC', now.soc],
            ['Voltage', now.voltage],
            ['Current', now.current],
            ['Temperature', now.temperature],
            ['Cycle', now.cycle],
            ['Regime', h('dd', null, now.regime)],
            ['Last sample', now.updated],
          ] as [string, HTMLElement][]
        ).map(([k, v]) => h('div', null, h('dt', null, k), v)),
      ),
      liveCharts.element,
      h('div', { class: 'two-col' }, iface.element, profiles.element),
      h('div', { class: 'two-col' }, resistance.element, timeline.element),
    );

    let lastSeq = -1;
    const show = (state: TwinState) => {
      setText(now.soc, formatSoc(state.soc));
      setText(now.voltage, formatValue(state.voltageV, 'V', 4));
      setText(now.current, formatValue(state.currentA, 'A'));
      setText(now.temperature, formatValue(state.temperatureC, '°C'));
      setText(now.cycle, String(state.cycle));
      setText(now.updated, formatTime(state.ts));
      updateRegimeBadge(now.regime, state.regime);
      iface.update(state);
      profiles.update(state);
    };
    // Charts take every state (ring buffers); text and panels take the newest per frame.
    const batcher = new FrameBatcher<string, TwinState>((batch) => batch.forEach(show));
    cleanups.push(() => batcher.cancel());
    const accept = (state: TwinState) => {
      if (state.cellId !== cell.id || state.replayId) return;
      liveCharts.push(state);
      if (state.seq > lastSeq) {
        lastSeq = state.seq;
        resistance.push(state);
        timeline.push(state);
      }
      batcher.push(cell.id, state);
    };

    cleanups.push(
      ctx.live.on('twin', accept),
      ctx.live.subscribe({ cellId: cell.id }, (ack) => {
        if (ack.ok && ack.state) accept(ack.state);
      }),
      ctx.live.onResync(() => {
        void ctx.api
          .get<Cell>(`/cells/${encodeURIComponent(cell.id)}`)
          .then((c) => c.state && accept(c.state))
          .catch(() => undefined);
      }),
    );
    if (cell.state) show(cell.state);
    else profiles.update(null);
    await liveCharts.start(cell.state, route.at);
    if (cell.state) accept(cell.state);
  })();

  return () => {
    disposed = true;
    cleanups.forEach((c) => c());
  };
};
