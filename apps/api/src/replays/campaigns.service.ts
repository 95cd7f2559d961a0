import { Injectable } from '@nestjs/common';
import { CellsService } from '../cells/cells.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { CampaignsRepository, type Campaign } from './campaigns.repository';
import type { CreateCampaignInput, PatchCampaignInput } from './replay.dto';

/** Campaigns name a set of cells; their data is whatever is stored for those cells. */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly cells: CellsService,
  ) {}

  private async requireCells(cellIds: string[]): Promise<void> {
    const problems: { field: string; reason: string }[] = [];
    for (const [i, id] of cellIds.entries()) {
      if (!(await this.cells.find(id)))
        problems.push({ field: `cellIds.${i}`, reason: `unknown cell ${id}` });
    }
    if (problems.length > 0) throw DomainError.validation(problems, 'unknown cell');
  }

  async create(input: CreateCampaignInput): Promise<Campaign> {
    const cellIds = [...new Set(input.cellIds)];
    await this.requireCells(cellIds);
    const created = await this.campaigns.insert({
      id: input.id,
      name: input.name,
      description: input.description ?? null,
      cellIds,
      tags: input.tags ?? [],
    });
    if (!created) {
      throw new DomainError(ErrorCode.Conflict, `campaign ${input.id} already exists`, [
        { field: 'id', reason: 'already exists' },
      ]);
    }
    return created;
  }

  list(): Promise<Campaign[]> {
    return this.campaigns.list();
  }

  async require(id: string): Promise<Campaign> {
    const c = await this.campaigns.get(id);
    if (!c) throw DomainError.notFound(`campaign ${id}`, 'campaignId');
    return c;
  }

  async update(id: string, patch: PatchCampaignInput): Promise<Campaign> {
    const cellIds = patch.cellIds ? [...new Set(patch.cellIds)] : undefined;
    if (cellIds) await this.requireCells(cellIds);
    const updated = await this.campaigns.update(id, { ...patch, cellIds });
    if (!updated) throw DomainError.notFound(`campaign ${id}`, 'id');
    return updated;
  }
}
