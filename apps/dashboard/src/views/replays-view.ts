import { ApiError } from '../api/http-client';
import type { Campaign, Replay, ReplayProgress } from '../api/types';
import type { View, ViewContext } from '../app/view';
import { h, options, setText } from '../ui/dom';
import { formatDuration, formatTime, formatValue } from '../ui/format';
import { errorState, isNotAvailable, stateBox, unavailable } from '../ui/states';
import { isTerminal, progressPercent, replayEtaSeconds } from './replay-eta';

const SPEEDS = ['1', '10', '100', '1000', '10000', '100000', '1000000', 'max'];

function numberOrUndefined(input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : Number(input.value);
}

const isoFromLocal = (value: string) => (value ? new Date(`${value}Z`).toISOString() : undefined);

/** One replay's progress, ETA and controls. */
class ReplayPanel {
  readonly element: HTMLElement;
  private readonly bar = h('div', { class: 'progress-fill' });
  private readonly progress: HTMLElement;
  private readonly text = h('p', { class: 'progress-text', 'aria-live': 'polite' });
  private readonly stateText = h('strong');
  private readonly message = h('div');
  private readonly buttons: HTMLButtonElement[];
  private readonly startedAt = Date.now();
  private timer: number | null = null;
  private stopped = false;
  state = 'starting';

  constructor(
    private readonly ctx: ViewContext,
    readonly replayId: string,
    label: string,
  ) {
    this.progress = h(
      'div',
      {
        class: 'progress',
        role: 'progressbar',
        'data-testid': 'replay-progress',
        'aria-label': `Replay ${replayId} progress`,
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': 0,
      },
      this.bar,
    );
    const seekInput = h('input', { id: 'seek-ts', type: 'datetime-local', step: '1' });
    const button = (text: string, onClick: () => void) =>
      h('button', { type: 'button', onclick: onClick }, text);
    this.buttons = [
      button('Pause', () => void this.command('pause')),
      button('Resume', () => void this.command('resume')),
      button('Cancel', () => void this.command('cancel')),
    ];
    const seek = h(
      'form',
      {
        class: 'inline',
        onsubmit: (e) => {
          e.preventDefault();
          const ts = isoFromLocal(seekInput.value);
          if (ts) void this.command('seek', { ts });
        },
      },
      h('label', { for: 'seek-ts' }, 'Seek to (UTC)'),
      seekInput,
      h('button', { type: 'submit' }, 'Seek'),
    );
    this.element = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'replay-h' },
      h(
        'h2',
        { id: 'replay-h' },
        `Replay ${replayId} `,
        h('span', { class: 'muted' }, label),
        ' · ',
        this.stateText,
      ),
      this.progress,
      this.text,
      h('div', { class: 'actions' }, ...this.buttons, seek),
      this.message,
    );
    this.render({ fraction: 0, simulatedTs: null, samplesPerSec: null });
  }

  start(): () => void {
    const offEvent = this.ctx.live.on('replay.progress', (p) => {
      if (p.replayId && p.replayId !== this.replayId) return;
      // An event sent before the replay ended can arrive after the poll that saw it end.
      if (isTerminal(this.state)) return;
      this.render(p);
      // The last event can beat the state change: ask for the state right away.
      if (p.fraction >= 1) this.pollNow();
    });
    const leave = this.ctx.live.subscribe({ replayId: this.replayId });
    this.pollNow();
    return () => {
      this.stopped = true;
      if (this.timer !== null) clearTimeout(this.timer);
      offEvent();
      leave();
    };
  }

  private pollNow(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const r = await this.ctx.api.get<Replay>(`/replays/${encodeURIComponent(this.replayId)}`);
      this.state = r.state;
      this.render(r.progress);
    } catch (error) {
      this.message.replaceChildren(errorState(error, 'Replay status'));
    }
    if (!this.stopped && !isTerminal(this.state) && this.timer === null) {
      this.timer = window.setTimeout(() => {
        this.timer = null;
        void this.poll();
      }, 1000);
    }
  }

  private render(p: ReplayProgress): void {
    const pct = progressPercent(this.state === 'finished' ? 1 : p.fraction);
    this.progress.setAttribute('aria-valuenow', String(pct));
    this.progress.setAttribute('aria-valuetext', `${pct} %`);
    this.bar.style.width = `${pct}%`;
    const eta = replayEtaSeconds(p.fraction, (Date.now() - this.startedAt) / 1000, p.etaSeconds);
    setText(
      this.text,
      `${pct.toFixed(1)} % · simulated ${formatTime(p.simulatedTs)} · ${formatValue(p.samplesPerSec, 'samples/s')} · ETA ${isTerminal(this.state) ? '—' : formatDuration(eta)}`,
    );
    setText(this.stateText, this.state);
    const done = isTerminal(this.state);
    this.buttons.forEach((b) => (b.disabled = done));
  }

  private async command(action: 'pause' | 'resume' | 'cancel' | 'seek', body?: unknown): Promise<void> {
    try {
      const res = await this.ctx.api.post<Partial<Replay> | null>(
        `/replays/${encodeURIComponent(this.replayId)}/${action}`,
        body,
      );
      if (res && typeof res.state === 'string') this.state = res.state;
      this.message.replaceChildren();
      if (res?.progress) this.render(res.progress);
    } catch (error) {
      this.message.replaceChildren(errorState(error, `Replay ${action}`));
    }
  }
}

/** Replays: pick a campaign, speed and overrides; watch progress; compare two replays side by side. */
export const replaysView: View = (root, ctx) => {
  const cleanups: (() => void)[] = [];
  const started: { id: string; label: string }[] = [];
  const campaignSelect = h('select', { id: 'replay-campaign', name: 'campaign' });
  const cellIdsInput = h('input', { id: 'replay-cells', name: 'cellIds', placeholder: 'cell-1, cell-2' });
  const fromInput = h('input', { id: 'replay-from', type: 'datetime-local', step: '1' });
  const toInput = h('input', { id: 'replay-to', type: 'datetime-local', step: '1' });
  const speedSelect = h(
    'select',
    { id: 'replay-speed', name: 'speed' },
    ...options(
      SPEEDS.map((s) => ({
        value: s,
        label: s === 'max' ? 'as fast as possible' : `${Number(s).toLocaleString('en')}×`,
      })),
      '1000',
    ),
  );
  const pressure = h('input', { id: 'ovr-pressure', type: 'number', step: 'any', min: '0' });
  const coatingMaterial = h('input', { id: 'ovr-coating', placeholder: 'e.g. LiNbO3' });
  const coatingThickness = h('input', { id: 'ovr-coating-nm', type: 'number', step: 'any', min: '0' });
  const alertRules = h(
    'select',
    { id: 'replay-alerts' },
    ...options(
      [
        { value: 'default', label: 'default rules' },
        { value: 'none', label: 'no alerts' },
      ],
      'default',
    ),
  );
  const formMessage = h('div');
  const current = h('div');
  const compareA = h('select', { id: 'compare-a' });
  const compareB = h('select', { id: 'compare-b' });
  const compareOut = h('div');
  let stopCurrent: (() => void) | null = null;
  cleanups.push(() => stopCurrent?.());

  const form = h(
    'form',
    {
      class: 'card form-grid',
      'data-testid': 'replay-form',
      onsubmit: (e) => {
        e.preventDefault();
        void startReplay();
      },
    },
    h('label', { for: 'replay-campaign' }, 'Campaign'),
    campaignSelect,
    h('label', { for: 'replay-cells' }, 'or cells (comma-separated)'),
    cellIdsInput,
    h('label', { for: 'replay-from' }, 'From (UTC, optional)'),
    fromInput,
    h('label', { for: 'replay-to' }, 'To (UTC, optional)'),
    toInput,
    h('label', { for: 'replay-speed' }, 'Speed'),
    speedSelect,
    h('label', { for: 'replay-alerts' }, 'Alert rules'),
    alertRules,
    h(
      'fieldset',
      null,
      h('legend', null, 'Overrides (optional)'),
      h('label', { for: 'ovr-pressure' }, 'Stack pressure (MPa)'),
      pressure,
      h('label', { for: 'ovr-coating' }, 'Coating material'),
      coatingMaterial,
      h('label', { for: 'ovr-coating-nm' }, 'Coating thickness (nm)'),
      coatingThickness,
    ),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Start replay')),
    formMessage,
  );

  root.append(
    h(
      'section',
      { class: 'view' },
      h('div', { class: 'view-head' }, h('h1', null, 'Replays')),
      form,
      current,
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'compare-h' },
        h('h2', { id: 'compare-h' }, 'Compare two replays'),
        h(
          'form',
          {
            class: 'inline',
            onsubmit: (e) => {
              e.preventDefault();
              void compare();
            },
          },
          h('label', { for: 'compare-a' }, 'A'),
          compareA,
          h('label', { for: 'compare-b' }, 'B'),
          compareB,
          h('button', { type: 'submit' }, 'Compare'),
        ),
        compareOut,
      ),
    ),
  );

  function refreshCompareOptions(): void {
    const opts = started.map((r) => ({ value: r.id, label: `${r.id} (${r.label})` }));
    compareA.replaceChildren(...options(opts, (started.at(-2) ?? started.at(-1))?.id));
    compareB.replaceChildren(...options(opts, started.at(-1)?.id));
  }

  async function startReplay(): Promise<void> {
    const cellIds = cellIdsInput.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const overrides: Record<string, unknown> = {};
    const p = numberOrUndefined(pressure);
    if (p !== undefined) overrides.stackPressureMPa = p;
    const t = numberOrUndefined(coatingThickness);
    if (coatingMaterial.value.trim() && t !== undefined)
      overrides.coating = { material: coatingMaterial.value.trim(), thicknessNm: t };
    const speed = speedSelect.value === 'max' ? 'max' : Number(speedSelect.value);
    const body = {
      ...(cellIds.length ? { cellIds } : { campaignId: campaignSelect.value }),
      from: isoFromLocal(fromInput.value),
      to: isoFromLocal(toInput.value),
      speed,
      ...(Object.keys(overrides).length ? { overrides } : {}),
      alertRules: alertRules.value,
    };
    if (!cellIds.length && !campaignSelect.value) {
      formMessage.replaceChildren(stateBox('error', 'Pick a campaign or list some cells.'));
      return;
    }
    try {
      const { replayId } = await ctx.api.post<{ replayId: string }>('/replays', body);
      formMessage.replaceChildren();
      const label = cellIds.length
        ? cellIds.join(', ')
        : (campaignSelect.selectedOptions[0]?.textContent ?? '');
      started.push({ id: replayId, label: `${label}, speed ${speedSelect.value}` });
      refreshCompareOptions();
      stopCurrent?.();
      const panel = new ReplayPanel(ctx, replayId, label);
      current.replaceChildren(panel.element);
      stopCurrent = panel.start();
    } catch (error) {
      formMessage.replaceChildren(errorState(error, 'Replays (POST /replays)'));
      const details = (error as ApiError).details ?? [];
      for (const d of details)
        document.getElementById(`replay-${d.field}`)?.setAttribute('aria-invalid', 'true');
    }
  }

  async function compare(): Promise<void> {
    if (!compareA.value || !compareB.value) {
      compareOut.replaceChildren(stateBox('empty', 'Start two replays to compare them.'));
      return;
    }
    try {
      const res = await ctx.api.get<Record<string, unknown>>('/replays/compare', {
        a: compareA.value,
        b: compareB.value,
      });
      compareOut.replaceChildren(renderComparison(res, compareA.value, compareB.value));
    } catch (error) {
      compareOut.replaceChildren(errorState(error, 'Replay comparison (GET /replays/compare)'));
    }
  }

  void (async () => {
    try {
      const { campaigns } = await ctx.api.get<{ campaigns: Campaign[] }>('/campaigns');
      campaignSelect.replaceChildren(
        ...options([
          { value: '', label: campaigns.length ? 'choose…' : 'no campaigns yet' },
          ...campaigns.map((c) => ({ value: c.id, label: c.name })),
        ]),
      );
    } catch (error) {
      campaignSelect.replaceChildren(
        ...options([
          {
            value: '',
            label: isNotAvailable(error) ? 'campaigns not available yet' : 'campaigns failed to load',
          },
        ]),
      );
      campaignSelect.disabled = true;
    }
    try {
      // Probe: an unknown id on a real route is a resource 404; only a missing route means "not built yet".
      await ctx.api.get('/replays/__probe__');
    } catch (error) {
      if (error instanceof ApiError && error.routeMissing) {
        current.replaceChildren(unavailable('Replays'));
      }
    }
  })();
  refreshCompareOptions();
  return () => cleanups.forEach((c) => c());
};

type Side = Record<string, unknown>;
interface CellComparison {
  cellId: string;
  cycles: { cycle: number; a: Side | null; b: Side | null; delta: Record<string, number | null> }[];
}

const show = (v: unknown) =>
  typeof v === 'number'
    ? formatValue(v, '', 4)
    : v && typeof v === 'object'
      ? JSON.stringify(v)
      : String(v ?? '—');

/** Replay A and B side by side (state, overrides…), then per cell and cycle the B − A deltas the server reports. */
function renderComparison(res: Record<string, unknown>, a: string, b: string): HTMLElement {
  const sideA = res.a as Side | undefined;
  const sideB = res.b as Side | undefined;
  if (!sideA || !sideB || typeof sideA !== 'object' || typeof sideB !== 'object') {
    return h('pre', { class: 'json' }, JSON.stringify(res, null, 2));
  }
  const keys = [...new Set([...Object.keys(sideA), ...Object.keys(sideB)])].filter((k) => k !== 'cells');
  const sides = h(
    'table',
    { class: 'compact compare' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, ''),
        h('th', { scope: 'col' }, `A ${a}`),
        h('th', { scope: 'col' }, `B ${b}`),
      ),
    ),
    h(
      'tbody',
      null,
      ...keys.map((k) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, k),
          h('td', null, show(sideA[k])),
          h('td', null, show(sideB[k])),
        ),
      ),
    ),
  );
  const cells = Array.isArray(res.cells) ? (res.cells as CellComparison[]) : [];
  const perCell = cells.map((c) => {
    const deltaKeys = [...new Set(c.cycles.flatMap((x) => Object.keys(x.delta ?? {})))];
    return h(
      'table',
      { class: 'compact compare' },
      h('caption', null, `Cell ${c.cellId}: B − A per cycle`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'cycle'),
          h('th', { scope: 'col' }, 'discharge A (Ah)'),
          h('th', { scope: 'col' }, 'discharge B (Ah)'),
          ...deltaKeys.map((k) => h('th', { scope: 'col' }, `Δ ${k}`)),
        ),
      ),
      h(
        'tbody',
        null,
        ...c.cycles.map((x) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, String(x.cycle)),
            h('td', { class: 'num' }, show(x.a?.dischargeAh)),
            h('td', { class: 'num' }, show(x.b?.dischargeAh)),
            ...deltaKeys.map((k) => h('td', { class: 'num' }, show(x.delta?.[k]))),
          ),
        ),
      ),
    );
  });
  return h('div', { class: 'compare-out' }, sides, ...perCell);
}
