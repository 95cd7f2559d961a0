import { EisInputError } from '../eis-input-error';
import { emptyArrays, parseNumber, requirePoints, splitLines, type SpectrumArrays } from './reader-types';

/**
 * BioLogic EC-Lab `.mpt` text export. The header length is given by `Nb header lines : N` (the column-title row is
 * line N); columns are found by title: `freq/Hz`, `Re(Z)/Ohm`, `-Im(Z)/Ohm` (note the sign: EC-Lab stores −Z'').
 * Rows with a missing value in any of the three are skipped.
 */
export function readBioLogicSpectrum(text: string): SpectrumArrays {
  const lines = splitLines(text);
  const headerMatch = /Nb header lines\s*:\s*(\d+)/.exec(text);
  const titleIndex = headerMatch
    ? Number(headerMatch[1]) - 1
    : lines.findIndex((l) => l.includes('freq/Hz') && l.includes('Re(Z)/Ohm'));
  const titles = (lines[titleIndex] ?? '').split('\t').map((t) => t.trim());
  const fCol = titles.indexOf('freq/Hz');
  const reCol = titles.indexOf('Re(Z)/Ohm');
  const imCol = titles.indexOf('-Im(Z)/Ohm');
  if (fCol < 0 || reCol < 0 || imCol < 0) {
    throw new EisInputError('biologic', 'column titles freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm not found');
  }
  const out = emptyArrays();
  for (const line of lines.slice(titleIndex + 1)) {
    const cells = line.split('\t');
    const f = parseNumber(cells[fCol]);
    const zr = parseNumber(cells[reCol]);
    const minusZi = parseNumber(cells[imCol]);
    if (Number.isNaN(f) || Number.isNaN(zr) || Number.isNaN(minusZi)) continue;
    out.frequenciesHz.push(f);
    out.zRealOhm.push(zr);
    out.zImagOhm.push(-minusZi);
  }
  return requirePoints('biologic', out);
}
