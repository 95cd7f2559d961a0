import { SnapshotWithEvents } from '../api/snapshot-with-events';
import type { Alert } from '../api/types';
import { paths } from '../app/routes';
import type { View } from '../app/view';
import { FrameBatcher } from '../charts/frame-batcher';
import { h, options } from '../ui/dom';
import { formatSoc, formatTime, formatValue } from '../ui/format';
import { regimeBadge } from '../ui/regime-badge';
import { errorState, stateBox } from '../ui/states';

const STATES = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: '', label: 'All' },
];

/** Alerts: live list with acknowledge / resolve; each links to its cell at the time it opened. */
export const alertsView: View = (root, ctx) => {
  const cleanups: (() => void)[] = [];
  const query = new URLSearchParams(location.search);
  const cellFilter = query.get('cellId');
  const stateSelect = h('select', { id: 'alert-state' }, ...options(STATES, query.get('state') ?? 'open'));
  const body = h('div', { class: 'table-wrap' }, stateBox('loading', 'Loading alerts…'));
  const message = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const list = new SnapshotWithEvents<Alert>();
  const alerts = list.items;
  let available = true;

  root.append(
    h(
      'section',
      { class: 'view' },
      h(
        'div',
        { class: 'view-head' },
        h('h1', null, 'Alerts'),
        cellFilter
          ? h(
              'p',
              null,
              `Cell ${cellFilter} · `,
              h('a', { href: paths.alerts(), 'data-link': true }, 'all cells'),
            )
          : null,
      ),
      h('div', { class: 'filters' }, h('label', { for: 'alert-state' }, 'State'), stateSelect),
      message,
      body,
    ),
  );

  const matches = (a: Alert) =>
    !a.replayId &&
    (!cellFilter || a.cellId === cellFilter) &&
    (!stateSelect.value || a.state === stateSelect.value);

  async function act(alert: Alert, action: 'ack' | 'resolve', button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      const updated = await ctx.api.post<Alert | { alert: Alert }>(
        `/alerts/${encodeURIComponent(alert.id)}/${action}`,
      );
      const next = 'alert' in updated ? updated.alert : updated;
      list.event(alert.id, {
        ...alert,
        ...(next && typeof next === 'object' && 'id' in next
          ? next
          : { state: action === 'ack' ? 'acknowledged' : 'resolved' }),
      });
      message.textContent = `Alert ${alert.id} ${action === 'ack' ? 'acknowledged' : 'resolved'}.`;
      render();
    } catch (error) {
      button.disabled = false;
      message.replaceChildren(errorState(error, `Alert ${alert.id}`));
    }
  }

  function row(a: Alert): HTMLTableRowElement {
    const ack = h(
      'button',
      { type: 'button', 'data-testid': `alert-ack-${a.id}`, disabled: a.state !== 'open' },
      'Acknowledge',
    );
    const resolve = h(
      'button',
      { type: 'button', 'data-testid': `alert-resolve-${a.id}`, disabled: a.state === 'resolved' },
      'Resolve',
    );
    ack.addEventListener('click', () => void act(a, 'ack', ack));
    resolve.addEventListener('click', () => void act(a, 'resolve', resolve));
    return h(
      'tr',
      { 'data-testid': `alert-row-${a.id}`, 'data-state': a.state, class: `severity-${a.severity}` },
      h('td', null, h('span', { class: `sev sev-${a.severity}` }, a.severity)),
      h(
        'th',
        { scope: 'row' },
        h(
          'a',
          { href: paths.cell(a.cellId, a.openedAt), 'data-link': true, title: 'Open the cell at this time' },
          `${a.cellId} · ${formatTime(a.openedAt)}`,
        ),
      ),
      h('td', null, `${a.signal} (${a.detector})`, h('div', { class: 'muted' }, a.ruleId)),
      h(
        'td',
        { class: 'num' },
        formatValue(a.value, ''),
        h('div', { class: 'muted' }, `baseline ${formatValue(a.baseline, '')}`),
      ),
      h('td', null, `cycle ${a.cycle ?? '—'} · SOC ${formatSoc(a.soc)}`),
      h('td', null, regimeBadge(a.regime)),
      h('td', null, a.state, a.resolvedAt ? h('div', { class: 'muted' }, formatTime(a.resolvedAt)) : null),
      h('td', { class: 'actions' }, ack, resolve),
    );
  }

  function render(): void {
    if (!available) return;
    const list = [...alerts.values()]
      .filter(matches)
      .sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
    if (list.length === 0) {
      body.replaceChildren(
        stateBox('empty', stateSelect.value === 'open' ? 'No open alerts.' : 'No alerts.'),
      );
      return;
    }
    body.replaceChildren(
      h(
        'table',
        { class: 'alerts' },
        h('caption', { class: 'sr-only' }, 'Alerts'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ...['Severity', 'Cell and time', 'Signal', 'Value', 'When', 'Regime', 'State', 'Actions'].map(
              (t) => h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h('tbody', null, ...list.map(row)),
      ),
    );
  }

  async function load(): Promise<void> {
    try {
      await list.load(async () => {
        const res = await ctx.api.get<{ alerts: Alert[] }>('/alerts', {
          state: stateSelect.value || null,
          cellId: cellFilter,
        });
        return res.alerts.map((a): [string, Alert] => [a.id, a]);
      });
      available = true;
      render();
    } catch (error) {
      available = false;
      body.replaceChildren(errorState(error, 'Alerts'));
    }
  }

  // A burst of alert events redraws the list once per frame.
  const batcher = new FrameBatcher<string, Alert>((batch) => {
    batch.forEach((a, id) => list.event(id, a));
    render();
  });
  cleanups.push(
    () => batcher.cancel(),
    ctx.live.on('alert', (a) => batcher.push(a.id, a)),
    // Loaded again once the room is joined (and re-joined after a reconnect): an alert opened
    // between the first load and the join would otherwise never show.
    ctx.live.subscribe({ alerts: true }, () => void load()),
  );
  stateSelect.addEventListener('change', () => void load());
  void load();
  return () => cleanups.forEach((c) => c());
};
