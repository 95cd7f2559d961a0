import type { SamplePoint, SpectrumRecord } from '@twin/contracts';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IncrementalParser, ParsedRecord, ParserOptions } from '@twin/cyclers';

/** Our own small synthetic files (always present). */
export const TEST_DATA_DIR = resolve(__dirname, '../../../test-data');
/** Real cycler files, shared read-only beside the repository (`<repo>/../shared`); absent in a user's clone. */
export const FIXTURES_DIR = resolve(__dirname, '../../../../../../shared/fixtures/cyclers');
export const HAVE_FIXTURES = existsSync(FIXTURES_DIR);
export const NO_FIXTURES_MESSAGE = `real cycler fixtures not found at ${FIXTURES_DIR} (they live in <repo>/../shared)`;

export const testData = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(resolve(TEST_DATA_DIR, name)));
export const fixture = (path: string): Uint8Array =>
  new Uint8Array(readFileSync(resolve(FIXTURES_DIR, path)));

export function parseAll(parser: IncrementalParser, bytes: Uint8Array): ParsedRecord[] {
  return [...parser.push(bytes), ...parser.end()];
}

/** A fresh parser over the whole file in one push: the parser, its records and the samples among them. */
export function oneShot(create: (options: ParserOptions) => IncrementalParser) {
  return (bytes: Uint8Array) => {
    const parser = create({});
    const records = parseAll(parser, bytes);
    return { parser, records, samples: samplesOf(records) };
  };
}

/** Pushes `bytes` in chunks whose sizes come from `nextSize` (1 = byte by byte). */
export function parseChunked(
  parser: IncrementalParser,
  bytes: Uint8Array,
  nextSize: () => number,
): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = Math.max(1, nextSize());
    records.push(...parser.push(bytes.subarray(at, at + size)));
    at += size;
  }
  records.push(...parser.end());
  return records;
}

/** Deterministic pseudo-random chunk sizes (a linear congruential generator) so failures reproduce. */
export function randomSizes(seed: number, max: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 1 + (state % max);
  };
}

export const samplesOf = (records: ParsedRecord[]): SamplePoint[] =>
  records.flatMap((r) => (r.kind === 'sample' ? [r.sample] : []));
export const spectraOf = (records: ParsedRecord[]): SpectrumRecord[] =>
  records.flatMap((r) => (r.kind === 'spectrum' ? [r.spectrum] : []));

/**
 * The independent route for fixture tests: read the whole file at once, split naively, and index
 * columns by their exact header text. Deliberately shares no code with the parsers.
 */
export function naiveTable(
  path: string,
  options: { encoding: 'latin1' | 'utf8'; delimiter: string; headerLine: number },
): { header: string[]; rows: string[][]; col: (name: string) => number } {
  const text = readFileSync(resolve(FIXTURES_DIR, path), options.encoding).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const header = lines[options.headerLine - 1].split(options.delimiter);
  const rows = lines
    .slice(options.headerLine)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(options.delimiter));
  const col = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`test setup: no column ${name}`);
    return index;
  };
  return { header, rows, col };
}

/** Number from a fixture cell, decimal comma or point. */
export const num = (text: string): number => Number(text.trim().replace(',', '.'));

/** Trapezoidal ∫I dt in Ah over rows whose cycle equals `cycle`, split by sign — written out plainly. */
export function naiveCycleAh(
  points: { tS: number; iA: number; cycle: number }[],
  cycle: number,
): { chargeAh: number; dischargeAh: number } {
  let chargeAh = 0;
  let dischargeAh = 0;
  for (let k = 1; k < points.length; k += 1) {
    if (points[k].cycle !== cycle) continue;
    const a = points[k - 1];
    const b = points[k];
    const dtH = (b.tS - a.tS) / 3600;
    if (a.iA * b.iA >= 0) {
      const area = ((a.iA + b.iA) / 2) * dtH;
      if (area > 0) chargeAh += area;
      else dischargeAh -= area;
    } else {
      const f = a.iA / (a.iA - b.iA);
      const first = (a.iA * f * dtH) / 2;
      const second = (b.iA * (1 - f) * dtH) / 2;
      for (const area of [first, second]) {
        if (area > 0) chargeAh += area;
        else dischargeAh -= area;
      }
    }
  }
  return { chargeAh, dischargeAh };
}
