import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { CyclerParseError, UnknownFormatError, type CyclerFormat } from '@twin/cyclers';
import busboy from 'busboy';
import type { Request } from 'express';
import { mayWriteCell, type Principal } from '../auth/principal';
import { CellsService } from '../cells/cells.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { SampleIntakeService } from '../ingest/sample-intake.service';
import { LiveGateway } from '../live/live.gateway';
import { IMPORT_ID_PATTERN, importRoom, PROGRESS_INTERVAL_MS } from './import-progress';
import { ImportRun, type UploadSummary, type WireSample } from './import-run';
import { IMPORTS_CONFIG, type ImportsConfig } from './imports-config';
import { isUploadFormat } from './upload-format';

export interface ImportResult {
  importId: string;
  summary: UploadSummary;
}

/** Saturated ingest answers 503 + Retry-After; an upload waits and retries rather than failing halfway. */
const MAX_INTAKE_ATTEMPTS = 20;

/**
 * `POST /imports`: the multipart body is parsed as it arrives (busboy → incremental parser →
 * `SampleIntakeService.intake` in batches), never held whole. Text fields must come before the file
 * part, as browsers and FormData send them when appended first, because the cell must be known before
 * the first row is stored.
 */
@Injectable()
export class ImportsService {
  constructor(
    @Inject(IMPORTS_CONFIG) private readonly config: ImportsConfig,
    private readonly intake: SampleIntakeService,
    private readonly cells: CellsService,
    private readonly live: LiveGateway,
  ) {}

  upload(principal: Principal, req: Request): Promise<ImportResult> {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(type)) {
      return this.refuse(
        req,
        DomainError.validation([{ field: 'file', reason: 'send multipart/form-data with a file part' }]),
      );
    }
    const totalBytes = Number(req.headers['content-length']);
    const declared = Number.isFinite(totalBytes) && totalBytes > 0 ? totalBytes : undefined;
    if (declared !== undefined && declared > this.config.maxUploadBytes)
      return this.refuse(req, this.tooLarge());
    return new Promise<ImportResult>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        req.unpipe(parser);
        req.resume(); // discard the rest of the body so the connection can answer
        reject(error);
      };
      const fields: Record<string, string> = {};
      let job: Promise<ImportResult> | null = null;
      let bytesRead = 0;
      req.on('data', (chunk: Buffer) => (bytesRead += chunk.length));
      const parser = busboy({
        headers: req.headers,
        limits: { fileSize: this.config.maxUploadBytes, files: 1, fields: 20 },
      });
      parser.on('field', (name, value) => (fields[name] = value));
      parser.on('file', (name, stream, info) => {
        if (name !== 'file' || job !== null) return void stream.resume();
        job = this.consume(principal, { ...fields }, info.filename, stream, () => ({
          bytesRead,
          totalBytes: declared,
        }));
        job.then(
          (result) => {
            if (settled) return;
            settled = true;
            resolve(result);
          },
          (error: unknown) => {
            stream.resume();
            fail(error);
          },
        );
      });
      parser.on('close', () => {
        if (job === null) fail(DomainError.validation([{ field: 'file', reason: 'required (a file part)' }]));
      });
      parser.on('error', (error: unknown) =>
        fail(
          DomainError.validation([
            { field: 'file', reason: `malformed multipart body: ${(error as Error).message}` },
          ]),
        ),
      );
      req.pipe(parser);
    });
  }

  private async consume(
    principal: Principal,
    fields: Record<string, string>,
    fileName: string | undefined,
    file: Readable & { truncated?: boolean },
    bytes: () => { bytesRead: number; totalBytes?: number },
  ): Promise<ImportResult> {
    const cellId = fields.cellId;
    if (!cellId) {
      throw DomainError.validation([
        { field: 'cellId', reason: 'required (as a field before the file part)' },
      ]);
    }
    const format = fields.format ?? 'auto';
    if (!isUploadFormat(format)) {
      throw DomainError.validation([{ field: 'format', reason: 'must be auto or a cycler format' }]);
    }
    const importId = fields.importId ?? randomUUID();
    if (!IMPORT_ID_PATTERN.test(importId)) {
      throw DomainError.validation([{ field: 'importId', reason: 'must match [A-Za-z0-9_-]{8,64}' }]);
    }
    if (!mayWriteCell(principal, cellId)) {
      throw new DomainError(ErrorCode.Forbidden, `token may not write to cell ${cellId}`, [
        { field: 'cellId', reason: 'not allowed for this token' },
      ]);
    }
    await this.cells.require(cellId);
    const run = new ImportRun(format as CyclerFormat | 'auto', fileName, (batch) =>
      this.intakeWithRetry(principal, cellId, batch),
    );
    let tooLarge = false;
    file.once('limit', () => (tooLarge = true));
    let lastEmitMs = 0;
    const emit = () => {
      const { bytesRead, totalBytes } = bytes();
      this.live.clientSend('import.progress', importRoom(importId), {
        importId,
        rowsParsed: run.rowsParsed,
        bytesRead,
        ...(totalBytes !== undefined ? { totalBytes, fraction: Math.min(1, bytesRead / totalBytes) } : {}),
      });
    };
    try {
      for await (const chunk of file as AsyncIterable<Buffer>) {
        await run.push(chunk);
        if (Date.now() - lastEmitMs >= PROGRESS_INTERVAL_MS) {
          lastEmitMs = Date.now();
          emit();
        }
      }
      if (tooLarge || file.truncated) throw this.tooLarge();
      const summary = await run.end();
      if (fields.campaignId) {
        summary.warnings.push({
          message: `campaignId ${fields.campaignId} not applied: add the cell with PATCH /campaigns/:id`,
        });
      }
      emit();
      return { importId, summary };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof CyclerParseError) {
        // Rows before the malformed line are stored (idempotent by seq), as with `twin import`.
        await run.flush();
        throw DomainError.validation([{ field: 'file', reason: error.message }], 'malformed cycler file');
      }
      if (error instanceof UnknownFormatError) {
        throw DomainError.validation([{ field: 'file', reason: error.message }], 'unknown file format');
      }
      throw error;
    }
  }

  private async intakeWithRetry(principal: Principal, cellId: string, batch: WireSample[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.intake.intake(principal, cellId, batch);
        return { accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected.length };
      } catch (error) {
        const busy = error instanceof DomainError && error.code === ErrorCode.Unavailable;
        if (!busy || attempt >= MAX_INTAKE_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, (error.retryAfterSeconds ?? 1) * 1000));
      }
    }
  }

  private tooLarge(): DomainError {
    return new DomainError(ErrorCode.PayloadTooLarge, 'upload too large', [
      { field: 'file', reason: `over ${this.config.maxUploadBytes} bytes (IMPORT_MAX_BYTES)` },
    ]);
  }

  private refuse(req: Request, error: DomainError): Promise<never> {
    req.resume();
    return Promise.reject(error);
  }
}
