import { Injectable } from '@nestjs/common';
import type { Role } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';
import type { Principal } from './principal';

interface TokenRow {
  id: number;
  role: Role;
  label: string;
  cell_ids: string[] | null;
}

@Injectable()
export class TokenRepository {
  constructor(private readonly db: DatabaseService) {}

  async findByHash(tokenHash: string): Promise<Principal | null> {
    const { rows } = await this.db.pool.query<TokenRow>(
      'SELECT id, role, label, cell_ids FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    const row = rows[0];
    return row ? { tokenId: row.id, role: row.role, label: row.label, cellIds: row.cell_ids } : null;
  }

  async insert(tokenHash: string, role: Role, label: string, cellIds: string[] | null): Promise<number> {
    const { rows } = await this.db.pool.query<{ id: number }>(
      `INSERT INTO api_tokens (token_hash, role, label, cell_ids) VALUES ($1, $2, $3, $4)
       ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL RETURNING id`,
      [tokenHash, role, label, cellIds],
    );
    return rows[0].id;
  }

  async countAdmins(): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL",
    );
    return rows[0].n;
  }
}
