import type { TwinState } from '../api/types';
import { h, setText } from '../ui/dom';
import { formatValue } from '../ui/format';
import { regimeBadge, updateRegimeBadge } from '../ui/regime-badge';
import { stateBox } from '../ui/states';

type Field = { label: string; read: (s: TwinState) => string };

const scaled = (v: number | undefined, factor: number) => (typeof v === 'number' ? v * factor : undefined);

/** The interface quantities the issue asks for, each with its unit (scaled to readable units). */
export const INTERFACE_FIELDS: Field[] = [
  { label: 'Potential step', read: (s) => formatValue(scaled(s.interface?.potentialDropV, 1000), 'mV') },
  { label: 'Debye length', read: (s) => formatValue(s.interface?.debyeLengthNm, 'nm') },
  { label: 'SCL thickness', read: (s) => formatValue(s.interface?.thicknessNm, 'nm') },
  { label: 'Peak field', read: (s) => formatValue(scaled(s.interface?.peakFieldVPerM, 1e-6), 'MV/m') },
  { label: 'Contact fraction', read: (s) => formatValue(scaled(s.interface?.contactFraction, 100), '%') },
  { label: 'Surface Li⁺ ratio c/c₀', read: (s) => formatValue(s.interface?.surfaceConcentrationRatio, '') },
  {
    label: 'R_int predicted',
    read: (s) => formatValue(s.interface?.predictedInterfaceResistanceOhmCm2, 'Ω·cm²'),
  },
  { label: 'R_int measured', read: (s) => formatValue(s.measuredInterfaceResistanceOhmCm2, 'Ω·cm²') },
  { label: 'Residual', read: (s) => formatValue(s.residualOhmCm2, 'Ω·cm²') },
];

/** Interface panel: live model outputs, or a clear note when the model is not running on this server. */
export class InterfacePanel {
  readonly element: HTMLElement;
  private readonly body = h('div');
  private readonly values: HTMLElement[] = [];
  private readonly regime = regimeBadge(undefined);
  private readonly model = h('p', { class: 'hint' });
  private hasModel: boolean | null = null;

  constructor() {
    this.element = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'iface-h' },
      h('h2', { id: 'iface-h' }, 'Interface'),
      this.body,
    );
    this.body.append(stateBox('loading', 'Waiting for the twin state…'));
  }

  update(state: TwinState): void {
    const has = state.interface !== undefined && state.interface !== null;
    if (has !== this.hasModel) {
      this.hasModel = has;
      this.body.replaceChildren(has ? this.buildGrid() : this.noModel());
    }
    if (!has) return;
    INTERFACE_FIELDS.forEach((f, i) => setText(this.values[i], f.read(state)));
    updateRegimeBadge(this.regime, state.regime);
    setText(
      this.model,
      state.model?.version ? `model ${state.model.version} (${state.model.parameterHash ?? '—'})` : '',
    );
  }

  private buildGrid(): HTMLElement {
    this.values.length = 0;
    const dl = h('dl', { class: 'metrics' });
    dl.append(h('div', null, h('dt', null, 'Regime'), h('dd', null, this.regime)));
    for (const f of INTERFACE_FIELDS) {
      const dd = h('dd', null, '—');
      this.values.push(dd);
      dl.append(h('div', null, h('dt', null, f.label), dd));
    }
    return h('div', null, dl, this.model);
  }

  private noModel(): HTMLElement {
    return stateBox(
      'unavailable',
      'The interface model is not running on this server yet.',
      'Twin states carry no `interface` outputs; SOC, voltage, current and temperature still update live.',
    );
  }
}
