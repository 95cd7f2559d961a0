import { SnapshotWithEvents } from '../api/snapshot-with-events';
import type { Alert, Campaign, Cell, TwinState } from '../api/types';
import { paths } from '../app/routes';
import type { View } from '../app/view';
import { FrameBatcher } from '../charts/frame-batcher';
import { Sparkline } from '../charts/sparkline';
import { h, options, setText } from '../ui/dom';
import { formatSoc, formatTime, formatValue } from '../ui/format';
import { OKABE_ITO } from '../ui/palette';
import { regimeBadge, updateRegimeBadge } from '../ui/regime-badge';
import { errorState, isNotAvailable, stateBox } from '../ui/states';

interface Row {
  cell: Cell;
  tr: HTMLTableRowElement;
  soc: HTMLElement;
  voltage: HTMLElement;
  current: HTMLElement;
  temperature: HTMLElement;
  regime: HTMLElement;
  alerts: HTMLAnchorElement;
  updated: HTMLElement;
  trend: Sparkline;
  lastSeq: number;
}

/** Interface resistance for the trend: measured when the EIS side provides it, else the model's prediction. */
function resistanceOf(state: TwinState): number {
  const measured = state.measuredInterfaceResistanceOhmCm2;
  if (typeof measured === 'number') return measured;
  return state.interface?.predictedInterfaceResistanceOhmCm2 ?? Number.NaN;
}

/** Cells: every cell with its live SOC, voltage, current, regime, interface-resistance trend and open alerts. */
export const cellsView: View = (root, ctx) => {
  const cleanups: (() => void)[] = [];
  const rows = new Map<string, Row>();
  /** Open alerts' cells by alert id (a closed alert maps to null). */
  const openAlerts = new SnapshotWithEvents<string | null>();
  let alertsAvailable = true;
  let campaigns: Campaign[] | null = null;

  const campaignSelect = h('select', { id: 'filter-campaign' }) as HTMLSelectElement;
  const tagSelect = h('select', { id: 'filter-tag' }) as HTMLSelectElement;
  const campaignNote = h('span', { class: 'hint' });
  const summary = h('p', { class: 'hint', 'aria-live': 'polite' });
  const body = h('div', { class: 'table-wrap' }, stateBox('loading', 'Loading cells…'));
  root.append(
    h(
      'section',
      { class: 'view' },
      h('div', { class: 'view-head' }, h('h1', null, 'Cells'), summary),
      h(
        'div',
        { class: 'filters', role: 'group', 'aria-label': 'Filter cells' },
        h('label', { for: 'filter-campaign' }, 'Campaign'),
        campaignSelect,
        campaignNote,
        h('label', { for: 'filter-tag' }, 'Tag'),
        tagSelect,
      ),
      body,
    ),
  );

  const batcher = new FrameBatcher<string, TwinState>((batch) => {
    for (const [cellId, state] of batch) applyState(cellId, state);
  });
  cleanups.push(() => batcher.cancel());

  function applyState(cellId: string, state: TwinState | null): void {
    const row = rows.get(cellId);
    if (!row || !state) return;
    setText(row.soc, formatSoc(state.soc));
    setText(row.voltage, formatValue(state.voltageV, 'V', 4));
    setText(row.current, formatValue(state.currentA, 'A'));
    setText(row.temperature, formatValue(state.temperatureC, '°C'));
    setText(row.updated, formatTime(state.ts));
    updateRegimeBadge(row.regime, state.regime);
    if (state.seq !== row.lastSeq) {
      row.lastSeq = state.seq;
      const r = resistanceOf(state);
      if (Number.isFinite(r)) {
        row.trend.push(r);
        row.trend.draw();
        row.trend.canvas.setAttribute(
          'aria-label',
          `interface resistance, latest ${formatValue(r, 'Ω·cm²')}`,
        );
      }
    }
  }

  function renderAlertCounts(): void {
    const counts = new Map<string, number>();
    for (const cellId of openAlerts.items.values())
      if (cellId !== null) counts.set(cellId, (counts.get(cellId) ?? 0) + 1);
    for (const row of rows.values()) {
      const n = counts.get(row.cell.id) ?? 0;
      setText(row.alerts, alertsAvailable ? String(n) : '—');
      row.alerts.classList.toggle('has-alerts', n > 0);
      row.alerts.title = alertsAvailable ? `${n} open alert(s)` : 'alerts not available on this server yet';
    }
  }

  function applyFilter(): void {
    const campaign = campaigns?.find((c) => c.id === campaignSelect.value) ?? null;
    const tag = tagSelect.value;
    let shown = 0;
    for (const row of rows.values()) {
      const visible =
        (!campaign || campaign.cellIds.includes(row.cell.id)) && (!tag || row.cell.tags.includes(tag));
      row.tr.hidden = !visible;
      if (visible) shown++;
    }
    setText(summary, `${shown} of ${rows.size} cells`);
  }

  function buildRow(cell: Cell): Row {
    const trend = new Sparkline(OKABE_ITO.blue);
    trend.canvas.setAttribute('role', 'img');
    trend.canvas.setAttribute('aria-label', 'interface resistance trend (no data yet)');
    const cells = {
      soc: h('td', { class: 'num', 'data-testid': `cell-soc-${cell.id}` }, '—'),
      voltage: h('td', { class: 'num' }, '—'),
      current: h('td', { class: 'num' }, '—'),
      temperature: h('td', { class: 'num' }, '—'),
      regime: regimeBadge(undefined, `cell-regime-${cell.id}`),
      alerts: h(
        'a',
        { href: `${paths.alerts()}?cellId=${encodeURIComponent(cell.id)}`, 'data-link': true },
        '—',
      ),
      updated: h('td', { class: 'muted col-secondary' }, '—'),
    };
    const materials = [
      cell.cathode,
      cell.coating ? `${cell.coating.material} ${cell.coating.thicknessNm} nm` : null,
      cell.electrolyte,
    ]
      .filter(Boolean)
      .join(' | ');
    const tr = h(
      'tr',
      { 'data-testid': `cell-row-${cell.id}` },
      h(
        'th',
        { scope: 'row', class: 'row-head' },
        h('a', { href: paths.cell(cell.id), 'data-link': true }, cell.name ?? cell.id),
        cell.name ? h('div', { class: 'muted' }, cell.id) : null,
        cell.tags.length
          ? h('div', { class: 'tags' }, ...cell.tags.map((t) => h('span', { class: 'tag' }, t)))
          : null,
      ),
      h('td', { class: 'materials col-secondary' }, materials),
      cells.soc,
      cells.voltage,
      cells.current,
      cells.temperature,
      h('td', null, cells.regime),
      h('td', null, trend.canvas),
      h('td', { class: 'num' }, cells.alerts),
      cells.updated,
    );
    return { cell, tr, ...cells, trend, lastSeq: -1 };
  }

  function renderTable(cells: Cell[]): void {
    for (const leave of subscriptions.values()) leave();
    subscriptions.clear();
    rows.clear();
    if (cells.length === 0) {
      body.replaceChildren(
        stateBox(
          'empty',
          'No cells yet.',
          'Create one with POST /api/v1/cells, or run `npm run demo` for six simulated rigs.',
        ),
      );
      setText(summary, '0 cells');
      return;
    }
    const tbody = h('tbody');
    for (const cell of cells) {
      const row = buildRow(cell);
      rows.set(cell.id, row);
      tbody.append(row.tr);
      applyState(cell.id, cell.state);
      subscriptions.set(
        cell.id,
        ctx.live.subscribe({ cellId: cell.id }, (ack) => {
          if (ack.ok && ack.state) batcher.push(cell.id, ack.state);
        }),
      );
    }
    body.replaceChildren(
      h(
        'table',
        { class: 'cells' },
        h('caption', { class: 'sr-only' }, 'Cells with their live state'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...[
              'Cell',
              'Cathode | coating | electrolyte',
              'SOC',
              'Voltage',
              'Current',
              'Temperature',
              'Regime',
              'R_int (Ω·cm²)',
              'Alerts',
              'Last sample',
            ].map((t, i) => h('th', { scope: 'col', class: i === 1 || i === 9 ? 'col-secondary' : null }, t)),
          ),
        ),
        tbody,
      ),
    );
    const tags = [...new Set(cells.flatMap((c) => c.tags))].sort();
    const keepTag = tagSelect.value;
    tagSelect.replaceChildren(
      ...options([{ value: '', label: 'All tags' }, ...tags.map((t) => ({ value: t, label: t }))], keepTag),
    );
    renderAlertCounts();
    applyFilter();
  }

  const subscriptions = new Map<string, () => void>();
  cleanups.push(() => subscriptions.forEach((leave) => leave()));

  async function loadCells(): Promise<void> {
    try {
      const { cells } = await ctx.api.get<{ cells: Cell[] }>('/cells');
      renderTable(cells);
    } catch (error) {
      body.replaceChildren(errorState(error, 'Cells'));
    }
  }

  async function loadAlerts(): Promise<void> {
    try {
      await openAlerts.load(async () => {
        const { alerts } = await ctx.api.get<{ alerts: Alert[] }>('/alerts', { state: 'open' });
        return alerts.map((a): [string, string] => [a.id, a.cellId]);
      });
      alertsAvailable = true;
    } catch (error) {
      alertsAvailable = false;
      if (!isNotAvailable(error)) console.warn('alerts', error);
    }
    renderAlertCounts();
  }

  async function loadCampaigns(): Promise<void> {
    try {
      const res = await ctx.api.get<{ campaigns: Campaign[] }>('/campaigns');
      campaigns = res.campaigns;
      campaignSelect.disabled = false;
      setText(campaignNote, '');
      const keep = campaignSelect.value;
      campaignSelect.replaceChildren(
        ...options(
          [{ value: '', label: 'All campaigns' }, ...campaigns.map((c) => ({ value: c.id, label: c.name }))],
          keep,
        ),
      );
    } catch (error) {
      campaigns = null;
      campaignSelect.replaceChildren(...options([{ value: '', label: 'All campaigns' }]));
      campaignSelect.disabled = true;
      setText(
        campaignNote,
        isNotAvailable(error)
          ? 'campaigns not available on this server yet'
          : 'campaigns could not be loaded',
      );
    }
    applyFilter();
  }

  campaignSelect.addEventListener('change', applyFilter);
  tagSelect.addEventListener('change', applyFilter);

  cleanups.push(
    ctx.live.on('twin', (state) => {
      if (!state.replayId && rows.has(state.cellId)) batcher.push(state.cellId, state);
    }),
    ctx.live.on('alert', (alert) => {
      if (alert.replayId) return;
      openAlerts.event(alert.id, alert.state === 'open' ? alert.cellId : null);
      renderAlertCounts();
    }),
    // Alert counts are loaded again once the room is joined (and re-joined after a reconnect).
    ctx.live.subscribe({ alerts: true }, () => void loadAlerts()),
    ctx.live.onResync(() => void loadCells()),
  );

  void loadCells().then(() => Promise.all([loadAlerts(), loadCampaigns()]));
  return () => cleanups.forEach((c) => c());
};
