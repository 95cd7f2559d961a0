import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  AlertConfigError,
  createAlertEvaluator,
  defaultAlertRules,
  type AlertRule,
  type DetectorConfig,
} from '@twin/alerts';
import type { AlertRuleView, CreateAlertRuleInput, PatchAlertRuleInput } from '@twin/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import { AlertRulesRepository, type RuleToWrite } from './alert-rules.repository';

export function toAlertRule(view: AlertRuleView): AlertRule {
  return {
    id: view.id,
    scope: view.scope,
    signal: view.signal,
    detector: view.detector as unknown as DetectorConfig,
    severity: view.severity,
    cooldownSeconds: view.cooldownSeconds,
    autoResolveSeconds: view.autoResolveSeconds,
    ...(view.description ? { description: view.description } : {}),
  };
}

/**
 * The enabled rules that apply to one cell, with campaign scopes resolved to the cell (a cell may
 * sit in several campaigns, while the evaluator's CellRef names one).
 */
export function rulesForCell(
  rules: readonly AlertRuleView[],
  cellId: string,
  campaignIds: readonly string[],
): AlertRule[] {
  return rules
    .filter((r) => r.enabled)
    .filter((r) => {
      const s = r.scope;
      if ('all' in s) return true;
      if ('cellId' in s) return s.cellId === cellId;
      return campaignIds.includes(s.campaignId);
    })
    .map((r) => ({ ...toAlertRule(r), scope: { cellId } }));
}

/** Rejects a rule the evaluator cannot run, naming the field, before it reaches the database. */
function validate(rule: RuleToWrite): void {
  try {
    createAlertEvaluator([toAlertRule({ ...rule, createdAt: '', updatedAt: '' })]);
  } catch (error) {
    if (error instanceof AlertConfigError) {
      throw DomainError.validation(
        [{ field: 'detector.params', reason: error.message }],
        'invalid alert rule',
      );
    }
    throw error;
  }
  if (rule.signal === 'regime' && rule.detector.kind !== 'regimeChange') {
    throw DomainError.validation([
      { field: 'detector.kind', reason: 'the regime signal needs regimeChange' },
    ]);
  }
}

/**
 * Alert rules: CRUD, the default rules seeded once as `{all: true}` rules at start-up (ids
 * `default:…`), and an in-memory copy the evaluators read; `version` moves on every change.
 */
@Injectable()
export class AlertRulesService implements OnModuleInit {
  private readonly logger = new Logger('alerts');
  private rules: AlertRuleView[] = [];
  private changeListeners: (() => void)[] = [];
  version = 0;

  constructor(private readonly repo: AlertRulesRepository) {}

  async onModuleInit(): Promise<void> {
    const seeded = await this.repo.seed(
      defaultAlertRules().map((r) => ({
        id: r.id,
        scope: r.scope,
        signal: r.signal,
        detector: r.detector as unknown as RuleToWrite['detector'],
        severity: r.severity,
        cooldownSeconds: r.cooldownSeconds,
        autoResolveSeconds: r.autoResolveSeconds,
        description: r.description ?? null,
        enabled: true,
        builtin: true,
      })),
    );
    if (seeded.length > 0) this.logger.log(`seeded default alert rules: ${seeded.join(', ')}`);
    await this.reload();
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  get all(): readonly AlertRuleView[] {
    return this.rules;
  }

  get hasCampaignScopes(): boolean {
    return this.rules.some((r) => 'campaignId' in r.scope);
  }

  async list(): Promise<AlertRuleView[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<AlertRuleView> {
    const rule = await this.repo.get(id);
    if (!rule) throw DomainError.notFound(`alert rule ${id}`);
    return rule;
  }

  async create(input: CreateAlertRuleInput): Promise<AlertRuleView> {
    const rule: RuleToWrite = {
      id: input.id ?? `rule-${randomUUID()}`,
      scope: input.scope,
      signal: input.signal,
      detector: input.detector,
      severity: input.severity,
      cooldownSeconds: input.cooldownSeconds,
      autoResolveSeconds: input.autoResolveSeconds,
      description: input.description ?? null,
      enabled: input.enabled,
      builtin: false,
    };
    validate(rule);
    const created = await this.repo.insert(rule);
    if (!created) {
      throw new DomainError(ErrorCode.Conflict, `alert rule ${rule.id} already exists`, [
        { field: 'id', reason: 'already exists' },
      ]);
    }
    await this.reload();
    return created;
  }

  async patch(id: string, patch: PatchAlertRuleInput): Promise<AlertRuleView> {
    const current = await this.get(id);
    const next: RuleToWrite = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    } as RuleToWrite;
    validate(next);
    const updated = await this.repo.update(next);
    if (!updated) throw DomainError.notFound(`alert rule ${id}`);
    await this.reload();
    return updated;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw DomainError.notFound(`alert rule ${id}`);
    await this.reload();
  }

  campaignsOf(cellId: string): Promise<string[]> {
    return this.repo.campaignsOf(cellId);
  }

  private async reload(): Promise<void> {
    this.rules = await this.repo.list();
    this.version += 1;
    for (const listener of this.changeListeners) listener();
  }
}
