import { emptyArrays, parseNumber, requirePoints, splitLines, type SpectrumArrays } from './reader-types';

/**
 * Headerless three-column text (frequency Hz, Z' Ω, Z'' Ω), comma-, semicolon-, tab- or space-separated, as in
 * impedance.py's exampleData.csv. Lines that do not hold three numbers (headers, comments) are skipped.
 */
export function readCsvSpectrum(text: string): SpectrumArrays {
  const out = emptyArrays();
  for (const line of splitLines(text)) {
    const cells = line.trim().split(/[,;\t ]+/);
    if (cells.length < 3) continue;
    const [f, zr, zi] = cells.map(parseNumber);
    if (Number.isNaN(f) || Number.isNaN(zr) || Number.isNaN(zi)) continue;
    out.frequenciesHz.push(f);
    out.zRealOhm.push(zr);
    out.zImagOhm.push(zi);
  }
  return requirePoints('csv', out);
}
