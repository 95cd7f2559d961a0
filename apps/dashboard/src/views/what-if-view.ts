import { ApiError } from '../api/http-client';
import type { InterfaceModelRequest, InterfaceModelResult } from '../api/types';
import type { View } from '../app/view';
import { renderBandDiagram } from '../charts/band-diagram';
import { h, options } from '../ui/dom';
import { formatValue } from '../ui/format';
import { regimeBadge } from '../ui/regime-badge';
import { errorState, stateBox } from '../ui/states';
import { profileCharts, renderProfiles } from './cell-profile-panel';
import { loadMaterials } from './materials';

const RESULT_FIELDS: [keyof InterfaceModelResult['interface'], string, string, number][] = [
  ['potentialDropV', 'Potential step', 'mV', 1000],
  ['debyeLengthNm', 'Debye length', 'nm', 1],
  ['thicknessNm', 'SCL thickness', 'nm', 1],
  ['depletionWidthNm', 'Depletion width', 'nm', 1],
  ['peakFieldVPerM', 'Peak field', 'MV/m', 1e-6],
  ['arealChargeUCPerCm2', 'Areal charge', 'µC/cm²', 1],
  ['capacitanceUFPerCm2', 'Capacitance', 'µF/cm²', 1],
  ['surfaceConcentrationRatio', 'Surface c/c₀', '', 1],
  ['sclResistanceOhmCm2', 'SCL resistance', 'Ω·cm²', 1],
  ['activationEnergyEv', 'Activation energy', 'eV', 1],
  ['contactFraction', 'Contact fraction', '%', 100],
  ['volumeStrain', 'Volume strain', '%', 100],
  ['predictedInterfaceResistanceOhmCm2', 'R_int predicted', 'Ω·cm²', 1],
];

/** What-if: the interface model form and its profiles, diagram and regime. */
export const whatIfView: View = (root, ctx) => {
  const cleanups: (() => void)[] = [];
  let disposed = false;
  const field = (id: string, attrs: Record<string, string | number | boolean>) =>
    h('input', { id, name: id, ...attrs });
  const cathode = h('select', { id: 'wi-cathode', name: 'cathode', required: true });
  const electrolyte = h('select', { id: 'wi-electrolyte', name: 'electrolyte', required: true });
  const coating = h('select', { id: 'wi-coating', name: 'coating' });
  const coatingNm = field('wi-coating-nm', { type: 'number', min: 0, step: 'any', value: 5 });
  const soc = field('wi-soc', { type: 'number', min: 0, max: 100, step: 'any', value: 50, required: true });
  const temperatureC = field('wi-temperature', { type: 'number', step: 'any', value: 25 });
  const pressure = field('wi-pressure', { type: 'number', min: 0, step: 'any', value: 10 });
  const cycle = field('wi-cycle', { type: 'number', min: 0, step: 1, value: 0 });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Run model');
  const note = h('p', { class: 'hint' });
  const result = h(
    'div',
    { 'data-testid': 'whatif-result', 'aria-live': 'polite' },
    stateBox('empty', 'Set the interface and run the model.'),
  );
  let charts: ReturnType<typeof profileCharts> | null = null;
  cleanups.push(() => {
    charts?.potential.destroy();
    charts?.concentration.destroy();
  });

  const form = h(
    'form',
    {
      class: 'card form-grid',
      'data-testid': 'whatif-form',
      onsubmit: (e) => {
        e.preventDefault();
        void run();
      },
    },
    h('label', { for: 'wi-cathode' }, 'Cathode'),
    cathode,
    h('label', { for: 'wi-coating' }, 'Coating'),
    coating,
    h('label', { for: 'wi-coating-nm' }, 'Coating thickness (nm)'),
    coatingNm,
    h('label', { for: 'wi-electrolyte' }, 'Electrolyte'),
    electrolyte,
    h('label', { for: 'wi-soc' }, 'SOC (%)'),
    soc,
    h('label', { for: 'wi-temperature' }, 'Temperature (°C)'),
    temperatureC,
    h('label', { for: 'wi-pressure' }, 'Stack pressure (MPa)'),
    pressure,
    h('label', { for: 'wi-cycle' }, 'Cycle'),
    cycle,
    h('div', { class: 'form-actions' }, submit),
    note,
  );
  root.append(
    h(
      'section',
      { class: 'view' },
      h('div', { class: 'view-head' }, h('h1', null, 'What-if: interface model')),
      h('div', { class: 'whatif' }, form, result),
    ),
  );

  function request(): InterfaceModelRequest {
    const num = (i: HTMLInputElement) => (i.value.trim() === '' ? undefined : Number(i.value));
    const t = num(temperatureC);
    const thickness = num(coatingNm);
    return {
      cathode: cathode.value,
      electrolyte: electrolyte.value,
      ...(coating.value && thickness ? { coating: { material: coating.value, thicknessNm: thickness } } : {}),
      soc: (num(soc) ?? 0) / 100,
      ...(t !== undefined ? { temperatureK: t + 273.15 } : {}),
      ...(num(pressure) !== undefined ? { stackPressureMPa: num(pressure) } : {}),
      ...(num(cycle) !== undefined ? { cycle: num(cycle) } : {}),
    };
  }

  async function run(): Promise<void> {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    submit.disabled = true;
    result.setAttribute('aria-busy', 'true');
    const body = request();
    try {
      const res = await ctx.api.post<InterfaceModelResult>('/model/interface', body);
      if (disposed) return;
      charts?.potential.destroy();
      charts?.concentration.destroy();
      const grid = h('div', { class: 'chart-grid' });
      const diagram = h('div', { class: 'diagram' });
      const dl = h('dl', { class: 'metrics' });
      for (const [key, label, unit, factor] of RESULT_FIELDS) {
        const v = res.interface[key];
        if (typeof v === 'number')
          dl.append(h('div', null, h('dt', null, label), h('dd', null, formatValue(v * factor, unit))));
      }
      result.replaceChildren(
        h('h2', null, 'Regime ', regimeBadge(res.regime, 'whatif-regime')),
        dl,
        h(
          'p',
          { class: 'hint' },
          res.model?.version ? `model ${res.model.version} (${res.model.parameterHash ?? '—'})` : '',
        ),
        grid,
        h('h3', null, 'Band / potential diagram'),
        diagram,
      );
      charts = profileCharts(grid);
      renderProfiles(charts, res);
      diagram.append(
        renderBandDiagram({
          cathode: body.cathode,
          electrolyte: body.electrolyte,
          coating: body.coating ?? null,
          profile: res.profile,
          potentialDropV: res.interface.potentialDropV,
          sclThicknessNm: res.interface.thicknessNm,
        }),
      );
    } catch (error) {
      result.replaceChildren(errorState(error, 'The interface model (POST /model/interface)'));
      if (error instanceof ApiError) {
        for (const d of error.details) {
          const input =
            form.querySelector(`[name="${CSS.escape(d.field.split('.')[0])}"]`) ??
            form.querySelector(`#wi-${CSS.escape(d.field.split('.')[0])}`);
          input?.setAttribute('aria-invalid', 'true');
        }
      }
    } finally {
      submit.disabled = false;
      result.removeAttribute('aria-busy');
    }
  }

  void loadMaterials(ctx.api).then((m) => {
    if (disposed) return;
    cathode.replaceChildren(
      ...options(
        m.cathode.map((v) => ({ value: v, label: v })),
        m.cathode.includes('NCM811') ? 'NCM811' : m.cathode[0],
      ),
    );
    electrolyte.replaceChildren(
      ...options(
        m.electrolyte.map((v) => ({ value: v, label: v })),
        m.electrolyte.includes('Li6PS5Cl') ? 'Li6PS5Cl' : m.electrolyte[0],
      ),
    );
    coating.replaceChildren(
      ...options([{ value: '', label: 'none' }, ...m.coating.map((v) => ({ value: v, label: v }))], ''),
    );
    note.textContent = m.fromServer
      ? ''
      : 'Material list not available on this server yet: showing the materials of known cells.';
  });
  return () => {
    disposed = true;
    cleanups.forEach((c) => c());
  };
};
