import { readFileSync } from 'node:fs';

/** The simplest possible read of an EC-Lab .mpt export, as independent truth for .mpr tests. */
export interface NaiveMpt {
  columns: string[];
  rows: Record<string, number>[];
  /** "Acquisition started on" read as UTC, or null when the export has no metadata block. */
  startMs: number | null;
}

export function readNaiveMpt(path: string): NaiveMpt {
  const lines = readFileSync(path).toString('latin1').split(/\r?\n/);
  const headerLines = Number(/Nb header lines : (\d+)/.exec(lines[1]!)![1]);
  const columns = lines[headerLines - 1]!.replace(/\t$/, '').split('\t');
  const rows = lines
    .slice(headerLines)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cells = l.split('\t');
      return Object.fromEntries(columns.map((c, i) => [c, Number(cells[i]!.replace(',', '.'))]));
    });
  const started = lines
    .slice(0, headerLines)
    .map((l) => /^Acquisition started on : (\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(l))
    .find((m) => m);
  const startMs = started
    ? Date.UTC(
        +started[3]!,
        +started[1]! - 1,
        +started[2]!,
        +started[4]!,
        +started[5]!,
        +started[6]!,
        Number((started[7] ?? '0').padEnd(3, '0')),
      )
    : null;
  return { columns, rows, startMs };
}
