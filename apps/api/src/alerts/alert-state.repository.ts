import { Injectable } from '@nestjs/common';
import type { RuleCellState } from '@twin/alerts';
import { DatabaseService } from '../database/database.service';
import type { SignalExtractionState } from './signal-extraction';

/** Evaluator and extraction state per cell, so a restarted service resumes its detectors. */
@Injectable()
export class AlertStateRepository {
  constructor(private readonly db: DatabaseService) {}

  async load(
    cellId: string,
  ): Promise<{ signal: SignalExtractionState | null; rules: Record<string, RuleCellState> }> {
    const signal = await this.db.pool.query<{ state: SignalExtractionState }>(
      'SELECT state FROM alert_signal_state WHERE cell_id = $1',
      [cellId],
    );
    const rules = await this.db.pool.query<{ rule_id: string; state: RuleCellState }>(
      'SELECT rule_id, state FROM alert_detector_state WHERE cell_id = $1',
      [cellId],
    );
    return {
      signal: signal.rows[0]?.state ?? null,
      rules: Object.fromEntries(rules.rows.map((r) => [r.rule_id, r.state])),
    };
  }

  /**
   * Writes the extraction state and the given rules' states in one statement (so one transaction
   * and one round trip: live alerting saves every few thousand observations of every cell).
   */
  async save(
    cellId: string,
    signal: SignalExtractionState,
    rules: Record<string, RuleCellState>,
  ): Promise<void> {
    const ids = Object.keys(rules);
    await this.db.pool.query(
      `WITH signal AS (
         INSERT INTO alert_signal_state (cell_id, state, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (cell_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now())
       INSERT INTO alert_detector_state (rule_id, cell_id, state, updated_at)
       SELECT r.rule_id, $1, r.state, now()
       FROM unnest($3::text[], $4::jsonb[]) AS r (rule_id, state)
       ON CONFLICT (rule_id, cell_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
      [cellId, JSON.stringify(signal), ids, ids.map((id) => JSON.stringify(rules[id]))],
    );
  }
}
