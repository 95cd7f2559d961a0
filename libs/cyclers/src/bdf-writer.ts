import type { SamplePoint } from '@twin/contracts';
import { BDF_COLUMNS } from './text/bdf-columns';

/**
 * The columns written, as BDF preferred labels (battery-data-alliance/battery-data-format README).
 * The instrument's program step goes into `Step Index` as the BDF reference conversions do (the
 * Landt reference file), since `Step Count` is defined as monotonically increasing.
 */
export const BDF_WRITE_COLUMNS = [
  BDF_COLUMNS.testTime.label,
  BDF_COLUMNS.voltage.label,
  BDF_COLUMNS.current.label,
  BDF_COLUMNS.unixTime.label,
  BDF_COLUMNS.cycleCount.label,
  BDF_COLUMNS.stepIndex.label,
  BDF_COLUMNS.temperatureT1.label,
] as const;

export interface BdfWriteOptions {
  /** Epoch ms that `Test Time` counts from; defaults to the first sample's timestamp. */
  testStartMs?: number;
  /** Rows per yielded string chunk (fewer, larger writes). */
  rowsPerChunk?: number;
}

/** Streams samples out as BDF CSV text chunks: the header row first, then rows in input order. */
export async function* writeBdfCsv(
  samples: AsyncIterable<SamplePoint> | Iterable<SamplePoint>,
  options: BdfWriteOptions = {},
): AsyncIterable<string> {
  const rowsPerChunk = options.rowsPerChunk ?? 1000;
  yield `${BDF_WRITE_COLUMNS.join(',')}\n`;
  let originMs = options.testStartMs ?? null;
  let rows: string[] = [];
  for await (const s of samples) {
    originMs ??= s.tsMs;
    rows.push(
      [
        msToSeconds(s.tsMs - originMs),
        String(s.voltageV),
        String(s.currentA),
        msToSeconds(s.tsMs),
        optional(s.cycle),
        optional(s.step),
        optional(s.temperatureC),
      ].join(','),
    );
    if (rows.length >= rowsPerChunk) {
      yield `${rows.join('\n')}\n`;
      rows = [];
    }
  }
  if (rows.length > 0) yield `${rows.join('\n')}\n`;
}

/** Exact decimal seconds for integer ms (no float noise such as 0.30000000000000004). */
function msToSeconds(ms: number): string {
  if (!Number.isInteger(ms)) return String(ms / 1000);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const frac = abs % 1000;
  return `${sign}${Math.floor(abs / 1000)}${frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`}`;
}

function optional(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
