import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  createAlertEvaluator,
  type AlertEvaluator,
  type AlertEvaluatorState,
  type AlertEvent,
  type RuleCellState,
  type SignalObservation,
} from '@twin/alerts';
import type { AlertsQuery, AlertView, CycleSummary, WebhookEvent } from '@twin/contracts';
import { TimeSlicer } from '@twin/twin';
import type { Subscription } from 'rxjs';
import { CellsService } from '../cells/cells.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { LiveGateway } from '../live/live.gateway';
import { cellRoom } from '../live/live-events';
import { TwinService } from '../twin/twin.service';
import { ALERTS_CONFIG, type AlertsConfig } from './alerts.config';
import { ALERTS_ROOM } from './alerts.gateway';
import { AlertRulesService, rulesForCell } from './alert-rules.service';
import { AlertStateRepository } from './alert-state.repository';
import { AlertsRepository } from './alerts.repository';
import {
  capacityObservation,
  extractObservations,
  initialExtractionState,
  type ExtractionCell,
  type SignalExtractionState,
  type TwinAppliedEvent,
} from './signal-extraction';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhooksService } from './webhooks.service';

interface CellRuntime {
  cellId: string;
  cell: ExtractionCell;
  extraction: SignalExtractionState;
  evaluation: AlertEvaluatorState;
  evaluator: AlertEvaluator | null;
  evaluatorKey: string;
  campaignIds: string[];
  lastSeq: number | null;
  observationsSinceSave: number;
  dirty: boolean;
  /** Time of the newest observation: manual resolves start the cool-down on the signal's clock. */
  lastTsMs: number | null;
}

/**
 * Live alerting: turns the twin's applied samples and closed cycles (and observations other modules
 * push through `observe`) into observations, runs the rule evaluator per cell, stores alerts and
 * publishes their transitions. Each cell has its own queue, so its observations are evaluated in
 * order, and nothing here is awaited by ingest or the twin: the subscriptions only enqueue.
 */
@Injectable()
export class AlertsService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('alerts');
  private readonly runtimes = new Map<string, CellRuntime>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly subscriptions: Subscription[] = [];
  /** Alerting is not on the ack or live path: it yields to them every couple of milliseconds. */
  private readonly slicer = new TimeSlicer(2);

  constructor(
    @Inject(ALERTS_CONFIG) private readonly config: AlertsConfig,
    private readonly twin: TwinService,
    private readonly cells: CellsService,
    private readonly live: LiveGateway,
    private readonly rules: AlertRulesService,
    private readonly alerts: AlertsRepository,
    private readonly states: AlertStateRepository,
    private readonly webhooks: WebhooksService,
    private readonly worker: WebhookDeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.twin.applied$.subscribe((event) => this.enqueue(event.cellId, (rt) => this.onApplied(rt, event))),
      this.twin.cycleClosed$.subscribe(({ cellId, cycle }) =>
        this.enqueue(cellId, (rt) => this.onCycleClosed(rt, cycle)),
      ),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscriptions.forEach((s) => s.unsubscribe());
    await Promise.all([...this.queues.values()]);
    for (const rt of this.runtimes.values()) {
      if (rt.dirty)
        await this.save(rt).catch((e: Error) => this.logger.warn(`save ${rt.cellId}: ${e.message}`));
    }
  }

  /**
   * Evaluates an observation made elsewhere (EIS fits push `interfaceResistanceOhmCm2` and
   * `residualOhmCm2` here), in order with the cell's stream; resolves once it has been evaluated.
   */
  async observe(cellId: string, observation: SignalObservation): Promise<void> {
    await this.cells.require(cellId);
    await this.enqueue(cellId, (rt) => this.evaluate(rt, [observation]));
  }

  list(query: AlertsQuery): Promise<AlertView[]> {
    return this.alerts.list(query);
  }

  async acknowledge(id: string): Promise<AlertView> {
    const alert = await this.alerts.transition(id, ['open'], 'acknowledged');
    if (!alert) throw await this.transitionError(id, 'acknowledge');
    await this.publish('alert.acknowledged', alert);
    return alert;
  }

  async resolve(id: string): Promise<AlertView> {
    const alert = await this.alerts.transition(id, ['open', 'acknowledged'], 'resolved');
    if (!alert) throw await this.transitionError(id, 'resolve');
    await this.publish('alert.resolved', alert);
    // The evaluator closes its copy too, which starts the rule's cool-down; queued, not awaited.
    void this.enqueue(alert.cellId, (rt) => {
      const evaluator = this.evaluatorFor(rt);
      const result = evaluator.resolve(rt.evaluation, alert.ruleId, rt.cellId, rt.lastTsMs ?? Date.now());
      rt.evaluation = result.state;
      rt.dirty = true;
      return this.save(rt);
    });
    return alert;
  }

  /** Waits until everything queued for the cell so far has been evaluated (tests, replays). */
  async settled(cellId: string): Promise<void> {
    await this.queues.get(cellId);
  }

  /** Seq of the last sample whose batch alerting has taken in; null before the first. */
  processedSeq(cellId: string): number | null {
    return this.runtimes.get(cellId)?.lastSeq ?? null;
  }

  private async transitionError(id: string, action: string): Promise<DomainError> {
    const current = await this.alerts.get(id);
    if (!current) return DomainError.notFound(`alert ${id}`);
    return new DomainError(ErrorCode.Conflict, `cannot ${action} an alert that is ${current.state}`, [
      { field: 'state', reason: `is ${current.state}` },
    ]);
  }

  private enqueue(cellId: string, job: (rt: CellRuntime) => Promise<void>): Promise<void> {
    const previous = this.queues.get(cellId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        await this.slicer.slice();
        return job(await this.runtime(cellId));
      })
      .catch((e: Error) => this.logger.warn(`alerts for ${cellId}: ${e.message}`));
    this.queues.set(cellId, next);
    void next.then(() => {
      if (this.queues.get(cellId) === next) this.queues.delete(cellId);
    });
    return next;
  }

  private async runtime(cellId: string): Promise<CellRuntime> {
    const known = this.runtimes.get(cellId);
    if (known) return known;
    const cell = await this.cells.require(cellId);
    const stored = await this.states.load(cellId);
    const evaluation: AlertEvaluatorState = {
      rules: Object.fromEntries(
        Object.entries(stored.rules).map(([ruleId, state]) => [ruleId, { [cellId]: state }]),
      ),
    };
    const rt: CellRuntime = {
      cellId,
      cell: { nominalCapacityAh: cell.nominalCapacityAh, electrodeAreaCm2: cell.electrodeAreaCm2 },
      extraction: stored.signal ?? initialExtractionState(),
      evaluation,
      evaluator: null,
      evaluatorKey: '',
      campaignIds: [],
      lastSeq: null,
      // A random start, so cells that started together do not all save their state at once.
      observationsSinceSave: Math.floor(Math.random() * this.config.stateSaveEveryObservations),
      dirty: false,
      lastTsMs: null,
    };
    this.runtimes.set(cellId, rt);
    return rt;
  }

  /** The cell's evaluator, rebuilt when the rules or (for campaign-scoped rules) its campaigns change. */
  private evaluatorFor(rt: CellRuntime, campaignIds?: string[]): AlertEvaluator {
    if (campaignIds !== undefined) rt.campaignIds = campaignIds;
    const key = `${this.rules.version}|${rt.campaignIds.join(',')}`;
    if (rt.evaluator === null || rt.evaluatorKey !== key) {
      rt.evaluator = createAlertEvaluator(rulesForCell(this.rules.all, rt.cellId, rt.campaignIds));
      rt.evaluatorKey = key;
    }
    return rt.evaluator;
  }

  private async onApplied(rt: CellRuntime, event: TwinAppliedEvent): Promise<void> {
    const { state, observations } = extractObservations(rt.extraction, event, rt.cell);
    rt.extraction = state;
    rt.lastSeq = event.samples[event.samples.length - 1]?.seq ?? rt.lastSeq;
    rt.dirty = true;
    await this.evaluate(rt, observations);
  }

  private async onCycleClosed(rt: CellRuntime, cycle: CycleSummary): Promise<void> {
    const { state, observation } = capacityObservation(rt.extraction, cycle);
    rt.extraction = state;
    rt.dirty = true;
    await this.evaluate(rt, observation ? [observation] : []);
  }

  private async evaluate(rt: CellRuntime, observations: readonly SignalObservation[]): Promise<void> {
    if (observations.length > 0) {
      const campaigns = this.rules.hasCampaignScopes ? await this.rules.campaignsOf(rt.cellId) : [];
      const evaluator = this.evaluatorFor(rt, campaigns);
      const { state, events } = evaluator.stepAll(rt.evaluation, { cellId: rt.cellId }, observations, false);
      rt.evaluation = state;
      for (const observation of observations) {
        rt.lastTsMs = Math.max(rt.lastTsMs ?? -Infinity, observation.tsMs);
      }
      rt.observationsSinceSave += observations.length;
      rt.dirty = true;
      for (const event of events) await this.record(event);
      if (events.length > 0) {
        await this.save(rt);
        return;
      }
    }
    if (rt.observationsSinceSave >= this.config.stateSaveEveryObservations) await this.save(rt);
  }

  private async record(event: AlertEvent): Promise<void> {
    if (event.type === 'open') {
      const alert = await this.alerts.open(event);
      if (alert) await this.publish('alert.opened', alert);
      return;
    }
    const alert = await this.alerts.resolveFor(event.ruleId, event.cellId, new Date(event.tsMs), 'auto');
    if (alert) await this.publish('alert.resolved', alert);
  }

  private async publish(event: WebhookEvent, alert: AlertView): Promise<void> {
    this.live.clientSend('alert', [cellRoom(alert.cellId), ALERTS_ROOM], alert);
    try {
      await this.webhooks.enqueue(event, alert);
      this.worker.kick();
    } catch (error) {
      this.logger.warn(`webhook outbox for alert ${alert.id}: ${(error as Error).message}`);
    }
  }

  private async save(rt: CellRuntime): Promise<void> {
    // Only rules that still exist: a deleted rule's state must not be written back.
    const live = new Set(this.rules.all.map((r) => r.id));
    const rules: Record<string, RuleCellState> = {};
    for (const [ruleId, cells] of Object.entries(rt.evaluation.rules)) {
      const entry = cells[rt.cellId];
      if (entry && live.has(ruleId)) rules[ruleId] = entry;
    }
    await this.states.save(rt.cellId, rt.extraction, rules);
    rt.observationsSinceSave = 0;
    rt.dirty = false;
  }
}
