import type { CyclerFormat, ParsedFileInfo, ParserOptions, ParseWarning } from '../parser.types';
import type { WallClock } from '../util/date-time';

/**
 * Per-file state every text parser shares: the file info, warnings, the data-row counter that
 * becomes `seq`, and the rule that turns (elapsed seconds, wall clock) into absolute epoch ms.
 */
export class ParseSession {
  readonly info: ParsedFileInfo;
  readonly warnings: ParseWarning[] = [];
  private dataRows = 0;
  private originMs: number | null = null;
  private readonly warned = new Set<string>();
  /** Set once the header is consumed; the parser's `info` stays null until then. */
  headerDone = false;

  constructor(
    format: CyclerFormat,
    private readonly options: ParserOptions,
  ) {
    this.info = { format, startTimeMs: null, timeZoneAssumed: false, cycleColumn: null, metadata: {} };
  }

  warnOnce(key: string, message: string, line?: number): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push(line === undefined ? { message } : { line, message });
  }

  /** The row index in file order (0-based) of the next data row: a sample's `seq`. */
  takeRowIndex(): number {
    const index = this.dataRows;
    this.dataRows += 1;
    return index;
  }

  get rowCount(): number {
    return this.dataRows;
  }

  /** A start time stated by the file header; elapsed times are then counted from it. */
  setHeaderStart(wall: WallClock, line: number): void {
    if (!wall.zoned) this.assumeUtc(line);
    this.info.startTimeMs = wall.ms;
    this.originMs = wall.ms;
  }

  get hasStart(): boolean {
    return this.originMs !== null;
  }

  /**
   * Absolute time of a row = start + elapsed. Without a header start, the first row's wall clock
   * minus its elapsed time defines the start (so sub-second elapsed precision is kept while the
   * wall clock, often whole seconds, anchors it). Without either, options.fallbackStartTimeMs.
   */
  resolveTimeMs(elapsedS: number | null, wall: WallClock | null, line: number): number {
    if (this.originMs === null) {
      if (wall !== null) {
        if (!wall.zoned) this.assumeUtc(line);
        this.originMs = wall.ms - (elapsedS ?? 0) * 1000;
        this.info.startTimeMs = Math.round(this.originMs);
      } else {
        this.originMs = this.options.fallbackStartTimeMs ?? 0;
        this.warnOnce(
          'no-start',
          `file states no start time: timestamps are ${
            this.options.fallbackStartTimeMs === undefined ? 'epoch 0' : 'options.fallbackStartTimeMs'
          } + elapsed time`,
          line,
        );
      }
    }
    if (elapsedS !== null) return Math.round(this.originMs + elapsedS * 1000);
    if (wall !== null) {
      if (!wall.zoned) this.assumeUtc(line);
      return Math.round(wall.ms);
    }
    return Math.round(this.originMs);
  }

  private assumeUtc(line: number): void {
    this.info.timeZoneAssumed = true;
    this.warnOnce('tz', 'no time zone stated: local wall-clock times were read as UTC', line);
  }
}
