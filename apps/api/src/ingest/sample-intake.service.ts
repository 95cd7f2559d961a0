import { Inject, Injectable } from '@nestjs/common';
import { MAX_SAMPLES_PER_BATCH, validateSamples, type IngestResult } from '@twin/contracts';
import { mayWriteCell, type Principal } from '../auth/principal';
import { CellsService } from '../cells/cells.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { IngestService } from './ingest.service';

/** The checks every ingest entry point shares (HTTP JSON, NDJSON, socket.io, bus, importers). */
@Injectable()
export class SampleIntakeService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cells: CellsService,
    private readonly ingest: IngestService,
  ) {}

  async intake(principal: Principal, cellId: unknown, raw: readonly unknown[]): Promise<IngestResult> {
    if (typeof cellId !== 'string')
      throw DomainError.validation([{ field: 'cellId', reason: 'must be a string' }]);
    if (!mayWriteCell(principal, cellId)) {
      throw new DomainError(ErrorCode.Forbidden, `token may not write to cell ${cellId}`, [
        { field: 'cellId', reason: 'not allowed for this token' },
      ]);
    }
    if (raw.length > MAX_SAMPLES_PER_BATCH) {
      throw new DomainError(
        ErrorCode.PayloadTooLarge,
        `at most ${MAX_SAMPLES_PER_BATCH} samples per request`,
        [{ field: 'samples', reason: `more than ${MAX_SAMPLES_PER_BATCH}` }],
      );
    }
    await this.cells.require(cellId);
    const { valid, rejected } = validateSamples(raw, {
      nowMs: Date.now(),
      maxFutureSkewMs: this.config.maxFutureSkewMs,
    });
    const { accepted, duplicates } = await this.ingest.submit(cellId, valid);
    return { accepted, duplicates, rejected };
  }
}
