import { emptyArrays, parseNumber, requirePoints, splitLines, type SpectrumArrays } from './reader-types';

/**
 * Scribner ZPlot `.z` files. Data rows follow the `End Comments` line; columns are Freq(Hz), Ampl, Bias, Time(Sec),
 * Z'(a), Z''(b), GD, Err, Range (the header printed just above `End Comments`), so Z' and Z'' are columns 5 and 6.
 * Cells are tab- or comma-separated depending on the ZPlot version.
 */
export function readZPlotSpectrum(text: string): SpectrumArrays {
  const lines = splitLines(text);
  // Files saved without the comment block have no `End Comments`; their data follow the quoted column-title row.
  let end = lines.findIndex((l) => l.trim().startsWith('End Comments'));
  if (end < 0) end = lines.findIndex((l) => l.includes('Freq(Hz)'));
  const out = emptyArrays();
  for (const line of lines.slice(end + 1)) {
    const cells = line.trim().split(/\s*[\t,]\s*|\s+/);
    if (cells.length < 6) continue;
    const f = parseNumber(cells[0]);
    const zr = parseNumber(cells[4]);
    const zi = parseNumber(cells[5]);
    if (Number.isNaN(f) || Number.isNaN(zr) || Number.isNaN(zi)) continue;
    out.frequenciesHz.push(f);
    out.zRealOhm.push(zr);
    out.zImagOhm.push(zi);
  }
  return requirePoints('zplot', out);
}
