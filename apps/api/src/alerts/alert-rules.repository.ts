import { Injectable } from '@nestjs/common';
import type { AlertRuleView } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

interface RuleRow {
  id: string;
  scope: AlertRuleView['scope'];
  signal: AlertRuleView['signal'];
  detector: AlertRuleView['detector'];
  severity: AlertRuleView['severity'];
  cooldown_seconds: number;
  auto_resolve_seconds: number | null;
  description: string | null;
  enabled: boolean;
  builtin: boolean;
  created_at: Date;
  updated_at: Date;
}

export type RuleToWrite = Omit<AlertRuleView, 'createdAt' | 'updatedAt'>;

function toView(row: RuleRow): AlertRuleView {
  return {
    id: row.id,
    scope: row.scope,
    signal: row.signal,
    detector: row.detector,
    severity: row.severity,
    cooldownSeconds: row.cooldown_seconds,
    autoResolveSeconds: row.auto_resolve_seconds,
    description: row.description,
    enabled: row.enabled,
    builtin: row.builtin,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const COLUMNS = `id, scope, signal, detector, severity, cooldown_seconds, auto_resolve_seconds, description,
  enabled, builtin, created_at, updated_at`;

/** $1…$9 of both the insert and the update, in column order. */
function ruleColumns(rule: RuleToWrite): unknown[] {
  return [
    rule.id,
    JSON.stringify(rule.scope),
    rule.signal,
    JSON.stringify(rule.detector),
    rule.severity,
    rule.cooldownSeconds,
    rule.autoResolveSeconds,
    rule.description,
    rule.enabled,
  ];
}

@Injectable()
export class AlertRulesRepository {
  constructor(private readonly db: DatabaseService) {}

  async list(): Promise<AlertRuleView[]> {
    const { rows } = await this.db.pool.query<RuleRow>(
      `SELECT ${COLUMNS} FROM alert_rules ORDER BY created_at, id`,
    );
    return rows.map(toView);
  }

  async get(id: string): Promise<AlertRuleView | null> {
    const { rows } = await this.db.pool.query<RuleRow>(`SELECT ${COLUMNS} FROM alert_rules WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Null when the id is taken. */
  async insert(rule: RuleToWrite): Promise<AlertRuleView | null> {
    const { rows } = await this.db.pool.query<RuleRow>(
      `INSERT INTO alert_rules (id, scope, signal, detector, severity, cooldown_seconds, auto_resolve_seconds,
         description, enabled, builtin)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [...ruleColumns(rule), rule.builtin],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async update(rule: RuleToWrite): Promise<AlertRuleView | null> {
    const { rows } = await this.db.pool.query<RuleRow>(
      `UPDATE alert_rules SET scope = $2, signal = $3, detector = $4, severity = $5, cooldown_seconds = $6,
         auto_resolve_seconds = $7, description = $8, enabled = $9, updated_at = now()
       WHERE id = $1
       RETURNING ${COLUMNS}`,
      ruleColumns(rule),
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.pool.query('DELETE FROM alert_rules WHERE id = $1', [id]);
    await this.db.pool.query('DELETE FROM alert_detector_state WHERE rule_id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  /** Inserts the defaults not seeded before, in one transaction so concurrent instances agree. */
  async seed(rules: readonly RuleToWrite[]): Promise<string[]> {
    const client = await this.db.pool.connect();
    const seeded: string[] = [];
    try {
      await client.query('BEGIN');
      for (const rule of rules) {
        const fresh = await client.query(
          'INSERT INTO alert_rule_seeds (rule_id) VALUES ($1) ON CONFLICT (rule_id) DO NOTHING',
          [rule.id],
        );
        if ((fresh.rowCount ?? 0) === 0) continue;
        await client.query(
          `INSERT INTO alert_rules (id, scope, signal, detector, severity, cooldown_seconds, auto_resolve_seconds,
             description, enabled, builtin)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true)
           ON CONFLICT (id) DO NOTHING`,
          [
            rule.id,
            JSON.stringify(rule.scope),
            rule.signal,
            JSON.stringify(rule.detector),
            rule.severity,
            rule.cooldownSeconds,
            rule.autoResolveSeconds,
            rule.description,
            rule.enabled,
          ],
        );
        seeded.push(rule.id);
      }
      await client.query('COMMIT');
      return seeded;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /** Campaigns the cell belongs to (the replay feature fills `campaigns`). */
  async campaignsOf(cellId: string): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ id: string }>(
      'SELECT id FROM campaigns WHERE $1 = ANY (cell_ids) ORDER BY id',
      [cellId],
    );
    return rows.map((r) => r.id);
  }
}
