import type { SamplePoint, SpectrumRecord } from '@twin/contracts';

export type CyclerFormat =
  | 'biologic-mpt'
  | 'biologic-mpr'
  | 'arbin-csv'
  | 'arbin-xlsx'
  | 'arbin-res'
  | 'maccor-txt'
  | 'neware-csv'
  | 'neware-ndax'
  | 'neware-nda'
  | 'gamry-dta'
  | 'bdf-csv'
  | 'battery-archive-csv'
  | 'basytec-txt'
  | 'novonix-csv';

/**
 * One record a parser yields. Samples carry `seq` = the data row's index in the file (0-based, in
 * file order), so re-reading the same file always gives the same seq — imports and harvests are
 * idempotent through the ingest API's (cell, seq) de-duplication.
 */
export type ParsedRecord =
  { kind: 'sample'; sample: SamplePoint } | { kind: 'spectrum'; spectrum: SpectrumRecord };

export interface ParseWarning {
  line?: number;
  byteOffset?: number;
  message: string;
}

/** What a parser learned from the file's header, available once the header has been consumed. */
export interface ParsedFileInfo {
  format: CyclerFormat;
  /** Absolute start time of the test, epoch ms, when the file states it. */
  startTimeMs: number | null;
  /** True when no time zone was stated and UTC was assumed (a warning is also emitted). */
  timeZoneAssumed: boolean;
  /** Name of the source column used as the cycle index, when the file has several. */
  cycleColumn: string | null;
  /** Free-form header fields (instrument, channel, software version, …). */
  metadata: Record<string, string>;
}

/**
 * Push-style incremental parser: feed it chunks as they arrive (whole file, or a growing file
 * being tailed) and it returns the complete records each chunk finished. A partial trailing line
 * or binary record is held until the next chunk or `end()`.
 */
export interface IncrementalParser {
  push(chunk: Uint8Array): ParsedRecord[];
  /** Flush at end of input; throws CyclerParseError if the file ends mid-record where that is an error. */
  end(): ParsedRecord[];
  readonly info: ParsedFileInfo | null;
  readonly warnings: readonly ParseWarning[];
}

export interface ParserOptions {
  /** Used for relative-time files with no start time in the header (epoch ms). */
  fallbackStartTimeMs?: number;
}

/** A malformed file: names the line (1-based) or byte offset and the reason. */
export class CyclerParseError extends Error {
  constructor(
    readonly reason: string,
    readonly location: { line?: number; byteOffset?: number },
  ) {
    const where =
      location.line !== undefined
        ? `line ${location.line}`
        : location.byteOffset !== undefined
          ? `byte ${location.byteOffset}`
          : 'unknown position';
    super(`${where}: ${reason}`);
    this.name = 'CyclerParseError';
  }
}
