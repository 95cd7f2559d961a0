/**
 * Column-name helpers shared by the tabular formats. Vendors put the unit in the name in four
 * styles: `I/mA` (EC-Lab), `Current(A)` / `Current (A)` (Arbin, Neware, Novonix), `I[A]` (BaSyTec)
 * and `Current / A` (BDF preferred labels).
 */
export interface ColumnName {
  /** Lower-case quantity with spaces/underscores collapsed, e.g. `test time`. */
  quantity: string;
  unit: string | null;
}

export function splitColumnName(raw: string): ColumnName {
  const text = raw.trim();
  const bracket = /^(.*?)\s*[([]\s*([^()[\]]*?)\s*[)\]]\s*$/.exec(text);
  if (bracket) return { quantity: normaliseQuantity(bracket[1]), unit: bracket[2] };
  const slash = /^(.*\S)\s*\/\s*([^/]+)$/.exec(text);
  if (slash) return { quantity: normaliseQuantity(slash[1]), unit: slash[2].trim() };
  return { quantity: normaliseQuantity(text), unit: null };
}

export function normaliseQuantity(text: string): string {
  return text
    .replace(/^~/, '')
    .replace(/[_\s]+/g, ' ')
    .trim()
    .toLowerCase();
}

const CURRENT_SCALE: Record<string, number> = { a: 1, ma: 1e-3, µa: 1e-6, μa: 1e-6, ua: 1e-6, na: 1e-9 };
const VOLTAGE_SCALE: Record<string, number> = { v: 1, mv: 1e-3 };
const TIME_SCALE: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  min: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hours: 3600,
};

export type UnitKind = 'current' | 'voltage' | 'time';

/** Factor to SI (A, V, s); throws on a unit we do not know rather than importing wrong magnitudes. */
export function unitScale(unit: string | null, kind: UnitKind, fallback: number): number {
  if (unit === null || unit === '') return fallback;
  const table = kind === 'current' ? CURRENT_SCALE : kind === 'voltage' ? VOLTAGE_SCALE : TIME_SCALE;
  const scale = table[unit.trim().toLowerCase()];
  if (scale === undefined) throw new Error(`unknown ${kind} unit "${unit}"`);
  return scale;
}
