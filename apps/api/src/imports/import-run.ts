import {
  createParser,
  DETECT_HEAD_BYTES,
  detectFormat,
  ImportSummaryAccumulator,
  type CyclerFormat,
  type ImportSummary,
  type IncrementalParser,
  type ParsedRecord,
  type ParseWarning,
} from '@twin/cyclers';

/** Same shape as the `twin import --json` summary: the library summary without cycleSource, plus ingest counts. */
export type UploadSummary = Omit<ImportSummary, 'cycleSource'> & {
  accepted: number;
  duplicates: number;
  rejected: number;
};

export interface WireSample {
  seq: number;
  ts: number;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
  cycle: number | null;
  step: number | null;
}

export type IntakeBatch = (
  samples: WireSample[],
) => Promise<{ accepted: number; duplicates: number; rejected: number }>;

/** The service's per-request cap is 10 000; batches of 5000 keep each commit short (issue #6). */
export const UPLOAD_BATCH_ROWS = 5000;

/**
 * One upload's parse state: format detection on the first 8 KB, the incremental parser, the summary
 * and the pending batch. `push` resolves once every full batch it formed is committed, so awaiting
 * it before taking the next chunk keeps memory at one chunk plus one batch.
 */
export class ImportRun {
  private parser: IncrementalParser | null = null;
  private summary: ImportSummaryAccumulator | null = null;
  private head: Buffer[] = [];
  private headBytes = 0;
  private batch: WireSample[] = [];
  private spectraSeen = 0;
  rowsParsed = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;

  constructor(
    private readonly requested: CyclerFormat | 'auto',
    private readonly fileName: string | undefined,
    private readonly intake: IntakeBatch,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    if (this.parser === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < DETECT_HEAD_BYTES) return;
      await this.handle(this.start().push(Buffer.concat(this.head)));
      this.head = [];
      return;
    }
    await this.handle(this.parser.push(chunk));
  }

  async end(): Promise<UploadSummary> {
    if (this.parser === null) {
      await this.handle(this.start().push(Buffer.concat(this.head)));
      this.head = [];
    }
    await this.handle(this.parser!.end());
    await this.flush();
    const { cycleSource: _cycleSource, ...rest } = this.summary!.finish(this.parser!.warnings);
    const extra: ParseWarning[] =
      this.spectraSeen > 0
        ? [
            {
              message: `${this.spectraSeen} spectra counted, not stored: upload them with POST /cells/:id/spectra`,
            },
          ]
        : [];
    return {
      ...rest,
      warnings: [...rest.warnings, ...extra],
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejected: this.rejected,
    };
  }

  /** Commits the rows parsed so far (used before answering with a parse error). */
  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const counts = await this.intake(batch);
    this.accepted += counts.accepted;
    this.duplicates += counts.duplicates;
    this.rejected += counts.rejected;
  }

  private start(): IncrementalParser {
    const format =
      this.requested === 'auto' ? detectFormat(Buffer.concat(this.head), this.fileName) : this.requested;
    this.parser = createParser(format, { fileName: this.fileName });
    this.summary = new ImportSummaryAccumulator(format);
    return this.parser;
  }

  private async handle(records: ParsedRecord[]): Promise<void> {
    this.summary!.addAll(records);
    for (const record of records) {
      if (record.kind === 'spectrum') {
        this.spectraSeen += 1;
        continue;
      }
      const s = record.sample;
      this.rowsParsed += 1;
      this.batch.push({
        seq: s.seq,
        ts: s.tsMs,
        voltageV: s.voltageV,
        currentA: s.currentA,
        temperatureC: s.temperatureC ?? null,
        cycle: s.cycle ?? null,
        step: s.step ?? null,
      });
      if (this.batch.length >= UPLOAD_BATCH_ROWS) await this.flush();
    }
  }
}
