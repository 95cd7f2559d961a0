import { Injectable } from '@nestjs/common';
import { SOLID_STATE_CIRCUIT } from '@twin/eis';
import { mayWriteCell, type Principal } from '../auth/principal';
import { CellsService } from '../cells/cells.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseWith } from '../common/parse-with';
import { CellOwnershipService } from '../ownership/cell-ownership.service';
import { TwinService } from '../twin/twin.service';
import { spectrumInputSchema } from './eis-request.schema';
import { SpectraRepository, type StoredSpectrum } from './spectra.repository';
import { SpectrumProcessorService } from './spectrum-processor.service';

/**
 * Shared by `POST /cells/:id/spectra` and the `spectrum` event on /rigs: store first, answer, then fit
 * (here when this instance owns the cell, else on the owner: SpectrumProcessorService.pollPending).
 */
@Injectable()
export class SpectrumIntakeService {
  constructor(
    private readonly cells: CellsService,
    private readonly spectra: SpectraRepository,
    private readonly processor: SpectrumProcessorService,
    private readonly twin: TwinService,
    private readonly ownership: CellOwnershipService,
  ) {}

  async intake(principal: Principal, cellId: unknown, body: unknown): Promise<StoredSpectrum> {
    if (typeof cellId !== 'string')
      throw DomainError.validation([{ field: 'cellId', reason: 'must be a string' }]);
    if (!mayWriteCell(principal, cellId)) {
      throw new DomainError(ErrorCode.Forbidden, `token may not write to cell ${cellId}`, [
        { field: 'cellId', reason: 'not allowed for this token' },
      ]);
    }
    const input = parseWith(spectrumInputSchema, body);
    const tsMs = typeof input.ts === 'number' ? input.ts : Date.parse(input.ts);
    if (!Number.isFinite(tsMs))
      throw DomainError.validation([{ field: 'ts', reason: 'must be ISO-8601 or epoch ms' }]);
    const cell = await this.cells.require(cellId);
    // The cell's owner fits it, since the fit calibrates the twin it advances: a free cell becomes
    // ours as with samples; one another instance holds waits there for its poll.
    await this.ownership.acquire([cellId]);
    const ours = this.ownership.owns(cellId);
    const circuit = input.circuit ?? SOLID_STATE_CIRCUIT;
    // SOC and cycle default to the twin's at arrival, so fits line up with the cycling data.
    const state = await this.twin.current(cellId).catch(() => null);
    const stored = await this.spectra.insert({
      cellId,
      tsMs,
      soc: input.soc ?? (state ? Math.min(1, Math.max(0, state.soc)) : null),
      temperatureC: input.temperatureC ?? state?.temperatureC ?? null,
      cycle: input.cycle ?? state?.cycle ?? null,
      points: input.points,
      circuit,
      claimedBy: ours ? this.ownership.instanceId : null,
    });
    if (ours) this.processor.enqueue(stored, cell, circuit);
    return stored;
  }
}
