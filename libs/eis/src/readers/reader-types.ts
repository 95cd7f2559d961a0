import { EisInputError } from '../eis-input-error';

/** What every reader returns: the spectrum in file order, Z'' negative for capacitive points. */
export interface SpectrumArrays {
  frequenciesHz: number[];
  zRealOhm: number[];
  zImagOhm: number[];
}

export function emptyArrays(): SpectrumArrays {
  return { frequenciesHz: [], zRealOhm: [], zImagOhm: [] };
}

/** Parses a numeric cell, accepting a decimal comma; NaN if it is not a number. */
export function parseNumber(cell: string | undefined): number {
  if (cell === undefined) return NaN;
  const t = cell.trim();
  if (t === '') return NaN;
  const v = Number(t.includes(',') && !t.includes('.') ? t.replace(',', '.') : t);
  return Number.isFinite(v) ? v : NaN;
}

export function requirePoints(format: string, arrays: SpectrumArrays): SpectrumArrays {
  if (arrays.frequenciesHz.length === 0) throw new EisInputError(format, 'no impedance rows found');
  return arrays;
}

export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}
