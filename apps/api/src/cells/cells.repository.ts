import { Injectable } from '@nestjs/common';
import type { CellConfig, CreateCellInput, TwinStatePayload } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

interface CellRow {
  id: string;
  name: string | null;
  cathode: string;
  electrolyte: string;
  anode: string | null;
  coating: { material: string; thicknessNm: number } | null;
  nominal_capacity_ah: number;
  electrode_area_cm2: number;
  stack_pressure_mpa: number;
  initial_soc: number;
  tags: string[];
  model_overrides: Record<string, unknown> | null;
  created_at: Date;
}

function toConfig(row: CellRow): CellConfig {
  return {
    id: row.id,
    name: row.name,
    cathode: row.cathode,
    electrolyte: row.electrolyte,
    anode: row.anode,
    coating: row.coating,
    nominalCapacityAh: row.nominal_capacity_ah,
    electrodeAreaCm2: row.electrode_area_cm2,
    stackPressureMPa: row.stack_pressure_mpa,
    initialSoc: row.initial_soc,
    tags: row.tags,
    modelParameters: row.model_overrides,
    createdAt: row.created_at.toISOString(),
  };
}

const COLUMNS = `id, name, cathode, electrolyte, anode, coating, nominal_capacity_ah, electrode_area_cm2,
  stack_pressure_mpa, initial_soc, tags, model_overrides, created_at`;

@Injectable()
export class CellsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Returns null when the id is taken. */
  async insert(input: CreateCellInput): Promise<CellConfig | null> {
    const { rows } = await this.db.pool.query<CellRow>(
      `INSERT INTO cells (id, name, cathode, electrolyte, anode, coating, nominal_capacity_ah,
         electrode_area_cm2, stack_pressure_mpa, initial_soc, tags, model_overrides)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [
        input.id,
        input.name ?? null,
        input.cathode,
        input.electrolyte,
        input.anode ?? null,
        input.coating ? JSON.stringify(input.coating) : null,
        input.nominalCapacityAh,
        input.electrodeAreaCm2,
        input.stackPressureMPa,
        input.initialSoc ?? 0,
        input.tags ?? [],
        input.modelParameters ? JSON.stringify(input.modelParameters) : null,
      ],
    );
    return rows[0] ? toConfig(rows[0]) : null;
  }

  async list(): Promise<CellConfig[]> {
    const { rows } = await this.db.pool.query<CellRow>(`SELECT ${COLUMNS} FROM cells ORDER BY id`);
    return rows.map(toConfig);
  }

  async get(id: string): Promise<CellConfig | null> {
    const { rows } = await this.db.pool.query<CellRow>(`SELECT ${COLUMNS} FROM cells WHERE id = $1`, [id]);
    return rows[0] ? toConfig(rows[0]) : null;
  }

  async latestStates(ids: string[]): Promise<Map<string, TwinStatePayload>> {
    const { rows } = await this.db.pool.query<{ cell_id: string; payload: TwinStatePayload }>(
      'SELECT cell_id, payload FROM twin_latest WHERE cell_id = ANY($1)',
      [ids],
    );
    return new Map(rows.map((r) => [r.cell_id, r.payload]));
  }
}
