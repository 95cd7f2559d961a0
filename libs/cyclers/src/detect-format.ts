import { detectBinaryFormat } from './binary/index';
import type { CyclerFormat } from './parser.types';
import { bdfQuantityOf } from './text/bdf-columns';
import { decodeLine, stripBom } from './util/text-decode';
import { splitColumnName } from './util/units';

/** How many bytes of the file detection looks at; every supported format identifies itself well within it. */
export const DETECT_HEAD_BYTES = 8192;

export class UnknownFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownFormatError';
  }
}

/**
 * Identifies a cycler file from its first bytes (content first; the file name only sharpens the
 * error message). Binary containers are delegated to the binary detector.
 */
export function detectFormat(head: Uint8Array, fileName?: string): CyclerFormat {
  const binary = detectBinaryFormat(head);
  if (binary !== null) return binary;
  const lines = headLines(head);
  const text = detectText(lines);
  if (text !== null) return text;
  throw new UnknownFormatError(unknownMessage(lines, fileName));
}

function headLines(head: Uint8Array): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i <= head.length && lines.length < 60; i += 1) {
    if (i === head.length || head[i] === 0x0a) {
      let end = i;
      if (end > start && head[end - 1] === 0x0d) end -= 1;
      lines.push(decodeLine(head.subarray(start, end)));
      start = i + 1;
    }
  }
  if (lines.length > 0) lines[0] = stripBom(lines[0]);
  return lines;
}

function detectText(lines: string[]): CyclerFormat | null {
  const first = lines[0]?.trim() ?? '';
  if (/^(EC|BT)-Lab ASCII FILE/i.test(first)) return 'biologic-mpt';
  if (first === 'EXPLAIN' && /^TAG\t/.test(lines[1] ?? '')) return 'gamry-dta';
  if (first === '[Summary]' && lines.some((l) => /novonix/i.test(l))) return 'novonix-csv';
  if (first.startsWith('~') && lines.some((l) => /^~.*\t/.test(l))) return 'basytec-txt';
  if (/^Today's Date/i.test(first) || lines.slice(0, 5).some((l) => /^Rec#?[\t,]/.test(l)))
    return 'maccor-txt';
  return detectByHeaderRow(first);
}

function detectByHeaderRow(line: string): CyclerFormat | null {
  const names = line.split(line.includes('\t') ? '\t' : ',').map((n) => n.trim());
  const quantities = new Set(names.map((n) => splitColumnName(n).quantity));
  const has = (...q: string[]): boolean => q.every((x) => quantities.has(x));
  const bdfHits = names.filter((n) => bdfQuantityOf(n) !== null).map((n) => bdfQuantityOf(n));
  if (bdfHits.includes('testTime') && bdfHits.includes('voltage') && bdfHits.includes('current'))
    return 'bdf-csv';
  if (has('cumulative time') || (has('step type') && (has('datapoint') || has('data point'))))
    return 'neware-csv';
  if ((has('data point') || has('datapoint')) && has('test time') && has('cycle index')) return 'arbin-csv';
  if (has('date time', 'test time', 'cycle index', 'current', 'voltage')) return 'battery-archive-csv';
  return null;
}

const UNSUPPORTED_EXTENSIONS: Record<string, string> = {
  res: 'Arbin .res files are Microsoft Access (Jet) databases, and this file does not start with the Jet/ACE signature (truncated or not a .res?)',
  xls: 'legacy .xls workbooks are not supported: re-save as .xlsx or export CSV',
};

function unknownMessage(lines: string[], fileName?: string): string {
  const ext = fileName?.split('.').pop()?.toLowerCase();
  if (ext && ext in UNSUPPORTED_EXTENSIONS) return UNSUPPORTED_EXTENSIONS[ext];
  const sample = (lines[0] ?? '').slice(0, 80).replace(/[^\x20-\x7e]/g, '?');
  return `unrecognised cycler file${fileName ? ` "${fileName}"` : ''}: first line "${sample}" matches no supported format`;
}
