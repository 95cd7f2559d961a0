import { Injectable } from '@nestjs/common';
import type { CellConfig, CreateCellInput, TwinStatePayload } from '@twin/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import { TwinService } from '../twin/twin.service';
import { CellsRepository } from './cells.repository';

export type CellView = CellConfig & { state: TwinStatePayload | null };

@Injectable()
export class CellsService {
  /** Cells are never deleted, so a positive lookup can be cached for the life of the process. */
  private readonly known = new Map<string, CellConfig>();
  private materialCheck: ((input: CreateCellInput) => { field: string; reason: string }[]) | null = null;

  constructor(
    private readonly cells: CellsRepository,
    private readonly twin: TwinService,
  ) {}

  /** The interface model registers a check that names unknown materials. */
  useMaterialCheck(check: (input: CreateCellInput) => { field: string; reason: string }[]): void {
    this.materialCheck = check;
  }

  async create(input: CreateCellInput): Promise<CellView> {
    const problems = this.materialCheck?.(input) ?? [];
    if (problems.length > 0) throw DomainError.validation(problems, 'unknown material');
    const cell = await this.cells.insert(input);
    if (!cell) {
      throw new DomainError(ErrorCode.Conflict, `cell ${input.id} already exists`, [
        { field: 'id', reason: 'already exists' },
      ]);
    }
    this.known.set(cell.id, cell);
    this.twin.forget(cell.id);
    return { ...cell, state: null };
  }

  async find(id: string): Promise<CellConfig | null> {
    const hit = this.known.get(id);
    if (hit) return hit;
    const cell = await this.cells.get(id);
    if (cell) this.known.set(id, cell);
    return cell;
  }

  async require(id: string): Promise<CellConfig> {
    const cell = await this.find(id);
    if (!cell) throw DomainError.notFound(`cell ${id}`, 'cellId');
    return cell;
  }

  async view(id: string): Promise<CellView> {
    const cell = await this.require(id);
    return { ...cell, state: await this.twin.current(id) };
  }

  async list(): Promise<CellView[]> {
    const cells = await this.cells.list();
    const views: CellView[] = [];
    for (const cell of cells) views.push({ ...cell, state: await this.twin.current(cell.id) });
    return views;
  }
}
