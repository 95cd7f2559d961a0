import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AlertEvent } from '@twin/alerts';
import type { AlertsQuery, AlertState, AlertView } from '@twin/contracts';
import { DatabaseService } from '../database/database.service';

interface AlertRow {
  id: string;
  cell_id: string;
  rule_id: string;
  signal: AlertView['signal'];
  detector: AlertView['detector'];
  severity: AlertView['severity'];
  state: AlertState;
  value: number | string | null;
  baseline: number | string | null;
  cycle: number | null;
  soc: number | null;
  regime: string | null;
  detail: string;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  resolved_by: 'auto' | 'manual' | null;
}

const COLUMNS = `id, cell_id, rule_id, signal, detector, severity, state, value, baseline, cycle, soc, regime,
  detail, opened_at, acknowledged_at, resolved_at, resolved_by`;

function toView(row: AlertRow): AlertView {
  return {
    id: row.id,
    cellId: row.cell_id,
    ruleId: row.rule_id,
    signal: row.signal,
    detector: row.detector,
    severity: row.severity,
    state: row.state,
    value: row.value,
    baseline: row.baseline,
    cycle: row.cycle,
    soc: row.soc,
    regime: row.regime,
    openedAt: row.opened_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedBy: row.resolved_by,
    detail: row.detail,
  };
}

/** jsonb keeps a number a number and a regime label a string; non-finite numbers have no JSON form. */
function jsonValue(value: number | string | null): string | null {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return null;
  return JSON.stringify(value);
}

@Injectable()
export class AlertsRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Opens an alert; null when one is already unresolved for the rule and cell (the partial unique
   * index is the de-duplication the evaluator's own state cannot guarantee across restarts).
   */
  async open(event: AlertEvent): Promise<AlertView | null> {
    const { rows } = await this.db.pool.query<AlertRow>(
      `INSERT INTO alerts (id, cell_id, rule_id, signal, detector, severity, state, value, baseline, cycle, soc,
         regime, detail, opened_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        event.cellId,
        event.ruleId,
        event.signal,
        event.detector,
        event.severity,
        jsonValue(event.value),
        jsonValue(event.baseline),
        event.cycle === null ? null : Math.trunc(event.cycle),
        event.soc,
        event.regime,
        event.detail,
        new Date(event.tsMs),
      ],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Resolves the unresolved alert of a rule on a cell, if any. */
  async resolveFor(
    ruleId: string,
    cellId: string,
    at: Date,
    by: 'auto' | 'manual',
  ): Promise<AlertView | null> {
    const { rows } = await this.db.pool.query<AlertRow>(
      `UPDATE alerts SET state = 'resolved', resolved_at = $3, resolved_by = $4
       WHERE rule_id = $1 AND cell_id = $2 AND state <> 'resolved'
       RETURNING ${COLUMNS}`,
      [ruleId, cellId, at, by],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async get(id: string): Promise<AlertView | null> {
    const { rows } = await this.db.pool.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Moves an alert from one of `from` to `to`; null when it was not in one of them (lost a race or bad state). */
  async transition(
    id: string,
    from: AlertState[],
    to: 'acknowledged' | 'resolved',
  ): Promise<AlertView | null> {
    const { rows } = await this.db.pool.query<AlertRow>(
      `UPDATE alerts SET state = $3,
         acknowledged_at = CASE WHEN $3 = 'acknowledged' THEN now() ELSE acknowledged_at END,
         resolved_at = CASE WHEN $3 = 'resolved' THEN now() ELSE resolved_at END,
         resolved_by = CASE WHEN $3 = 'resolved' THEN 'manual' ELSE resolved_by END
       WHERE id = $1 AND state = ANY ($2::text[])
       RETURNING ${COLUMNS}`,
      [id, from, to],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async list(query: AlertsQuery): Promise<AlertView[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      args.push(value);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (query.state) add('state = ?', query.state);
    if (query.cellId) add('cell_id = ?', query.cellId);
    if (query.from) add('opened_at >= ?', new Date(query.from));
    if (query.to) add('opened_at <= ?', new Date(query.to));
    args.push(query.limit ?? 1000);
    const { rows } = await this.db.pool.query<AlertRow>(
      `SELECT ${COLUMNS} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY opened_at DESC, id LIMIT $${args.length}`,
      args,
    );
    return rows.map(toView);
  }
}
