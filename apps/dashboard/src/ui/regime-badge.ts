import { h } from './dom';
import { isRegime, REGIME_COLOURS, regimeName } from './palette';

/** Regime as a labelled badge (text + colour + pattern class), or a neutral dash when not modelled. */
export function regimeBadge(regime: unknown, testId?: string): HTMLSpanElement {
  const el = h('span', { class: 'badge', 'data-testid': testId });
  updateRegimeBadge(el, regime);
  return el;
}

export function updateRegimeBadge(el: HTMLElement, value: unknown): void {
  const regime = regimeName(value);
  const label = regime ?? '—';
  if (el.textContent === label) return;
  el.textContent = label;
  el.dataset.regime = label;
  el.style.setProperty('--badge', isRegime(regime) ? REGIME_COLOURS[regime] : '#6b6b6b');
  el.title = isRegime(regime) ? `interface regime: ${regime}` : 'regime not modelled on this server yet';
}
