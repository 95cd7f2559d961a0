import { EisInputError } from '../eis-input-error';
import { emptyArrays, parseNumber, requirePoints, splitLines, type SpectrumArrays } from './reader-types';

/**
 * Gamry `.DTA` files (Gamry Framework "EXPLAIN" format): the spectrum is the `ZCURVE\tTABLE` block, a tab-separated
 * title row (Pt, Time, Freq, Zreal, Zimag, …), a units row, then one row per point until the first line that does
 * not start with a tab. Columns are located by title. Gamry writes Latin-1: read the file as 'latin1'.
 */
export function readGamrySpectrum(text: string): SpectrumArrays {
  const lines = splitLines(text);
  const start = lines.findIndex((l) => /^ZCURVE\s+TABLE/.test(l));
  if (start < 0) throw new EisInputError('gamry', 'no ZCURVE TABLE block');
  const titles = lines[start + 1].split('\t').map((t) => t.trim());
  const fCol = titles.indexOf('Freq');
  const reCol = titles.indexOf('Zreal');
  const imCol = titles.indexOf('Zimag');
  if (fCol < 0 || reCol < 0 || imCol < 0)
    throw new EisInputError('gamry', 'Freq, Zreal, Zimag columns not found');
  const out = emptyArrays();
  for (const line of lines.slice(start + 3)) {
    if (!line.startsWith('\t')) break;
    const cells = line.split('\t');
    const f = parseNumber(cells[fCol]);
    const zr = parseNumber(cells[reCol]);
    const zi = parseNumber(cells[imCol]);
    if (Number.isNaN(f) || Number.isNaN(zr) || Number.isNaN(zi)) continue;
    out.frequenciesHz.push(f);
    out.zRealOhm.push(zr);
    out.zImagOhm.push(zi);
  }
  return requirePoints('gamry', out);
}
