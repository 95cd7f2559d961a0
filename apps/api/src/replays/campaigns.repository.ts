import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

export interface Campaign {
  id: string;
  name: string;
  description: string | null;
  cellIds: string[];
  tags: string[];
  createdAt: string;
}

interface CampaignRow {
  id: string;
  name: string;
  description: string | null;
  cell_ids: string[];
  tags: string[];
  created_at: Date;
}

const COLUMNS = 'id, name, description, cell_ids, tags, created_at';

function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    cellIds: r.cell_ids,
    tags: r.tags,
    createdAt: r.created_at.toISOString(),
  };
}

@Injectable()
export class CampaignsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Null when the id is taken. */
  async insert(c: Omit<Campaign, 'createdAt'>): Promise<Campaign | null> {
    const { rows } = await this.db.pool.query<CampaignRow>(
      `INSERT INTO campaigns (id, name, description, cell_ids, tags) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [c.id, c.name, c.description, c.cellIds, c.tags],
    );
    return rows[0] ? toCampaign(rows[0]) : null;
  }

  async list(): Promise<Campaign[]> {
    const { rows } = await this.db.pool.query<CampaignRow>(`SELECT ${COLUMNS} FROM campaigns ORDER BY id`);
    return rows.map(toCampaign);
  }

  async get(id: string): Promise<Campaign | null> {
    const { rows } = await this.db.pool.query<CampaignRow>(`SELECT ${COLUMNS} FROM campaigns WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toCampaign(rows[0]) : null;
  }

  /** Fields left undefined keep their value; null when there is no such campaign. */
  async update(
    id: string,
    patch: { name?: string; description?: string | null; cellIds?: string[]; tags?: string[] },
  ): Promise<Campaign | null> {
    const { rows } = await this.db.pool.query<CampaignRow>(
      `UPDATE campaigns SET
         name = COALESCE($2, name),
         description = CASE WHEN $3 THEN $4 ELSE description END,
         cell_ids = COALESCE($5, cell_ids),
         tags = COALESCE($6, tags)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        patch.name ?? null,
        patch.description !== undefined,
        patch.description ?? null,
        patch.cellIds ?? null,
        patch.tags ?? null,
      ],
    );
    return rows[0] ? toCampaign(rows[0]) : null;
  }
}
