/**
 * Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable under the common forms
 * of colour-vision deficiency. Every chart and badge takes its colours from here.
 */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

export type Regime = 'electrostatic' | 'mechanical' | 'mixed' | 'equilibrated';
export const REGIMES: readonly Regime[] = ['electrostatic', 'mechanical', 'mixed', 'equilibrated'];

/** Badges also carry the regime's name, so colour is never the only cue. */
export const REGIME_COLOURS: Record<Regime, string> = {
  electrostatic: OKABE_ITO.blue,
  mechanical: OKABE_ITO.vermillion,
  mixed: OKABE_ITO.reddishPurple,
  equilibrated: OKABE_ITO.bluishGreen,
};

export function isRegime(value: unknown): value is Regime {
  return typeof value === 'string' && (REGIMES as readonly string[]).includes(value);
}

/**
 * The regime's name from a twin state (`"mixed"`) or from `/model/interface`, which may send the
 * classifier's result object (`{regime: "mixed", rule, deciding}`).
 */
export function regimeName(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  const inner = (value as { regime?: unknown } | null)?.regime;
  return typeof inner === 'string' && inner ? inner : null;
}
