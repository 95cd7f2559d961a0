import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Subscription } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import { IngestService } from '../ingest/ingest.service';
import { LiveGateway } from '../live/live.gateway';
import { CellOwnershipService } from '../ownership/cell-ownership.service';

/** Rooms that are not a cell's: an `alert` sent there is one alert, not its per-cell copy. */
const ALERTS_ROOM = 'alerts';

/**
 * The Prometheus view of this instance. A registry per instance (not prom-client's global one), so
 * two apps in one process (the tests) do not collide. Gauges read live values at scrape time.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly subscriptions: Subscription[] = [];
  readonly ingestRows: Counter<'result'>;
  readonly rejectedSamples: Counter;
  readonly commitSeconds: Histogram<'outcome'>;
  readonly writerWaitSeconds: Histogram;
  readonly modelStepSeconds: Histogram;
  readonly modelSamples: Counter;
  readonly liveEvents: Counter<'event'>;
  readonly alerts: Counter;
  readonly rateLimited: Counter<'transport'>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    ingest: IngestService,
    live: LiveGateway,
    db: DatabaseService,
    ownership: CellOwnershipService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'twin_' });
    this.ingestRows = new Counter({
      name: 'twin_ingest_rows_total',
      help: 'Sample rows handed to the batch writer, by result (inserted, duplicate, failed).',
      labelNames: ['result'],
      registers,
    });
    this.rejectedSamples = new Counter({
      name: 'twin_ingest_rejected_samples_total',
      help: 'Samples rejected by validation before reaching the writer.',
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'twin_ingest_commit_seconds',
      help: 'Time to write one batch (one multi-row statement), by outcome.',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.writerWaitSeconds = new Histogram({
      name: 'twin_ingest_writer_wait_seconds',
      help: 'Time the oldest request of a committed batch waited for a free writer.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.modelStepSeconds = new Histogram({
      name: 'twin_model_step_seconds',
      help: "Time to advance one cell's twin over one committed batch.",
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.modelSamples = new Counter({
      name: 'twin_model_samples_total',
      help: 'Committed samples stepped through the twin.',
      registers,
    });
    this.liveEvents = new Counter({
      name: 'twin_live_events_total',
      help: 'Events sent to /live rooms, by event name.',
      labelNames: ['event'],
      registers,
    });
    this.alerts = new Counter({
      name: 'twin_alerts_total',
      help: 'Alert transitions published (raised, acknowledged, resolved).',
      registers,
    });
    this.rateLimited = new Counter({
      name: 'twin_rate_limited_total',
      help: 'Requests refused by the per-token rate limit, by transport.',
      labelNames: ['transport'],
      registers,
    });
    new Gauge({
      name: 'twin_ingest_pending_rows',
      help: 'Rows accepted but not yet committed (ingest answers 503 above twin_ingest_pending_rows_limit).',
      registers,
      collect() {
        this.set(ingest.queueDepth.pendingRows);
      },
    });
    new Gauge({
      name: 'twin_ingest_pending_rows_limit',
      help: 'INGEST_MAX_PENDING_ROWS.',
      registers,
      collect() {
        this.set(config.ingestMaxPendingRows);
      },
    });
    new Gauge({
      name: 'twin_twin_queue_batches',
      help: 'Committed batches waiting for the twin.',
      registers,
      collect() {
        this.set(ingest.queueDepth.twinBatches);
      },
    });
    new Gauge({
      name: 'twin_twin_queue_rows',
      help: 'Committed rows waiting for the twin (they count against INGEST_MAX_PENDING_ROWS too).',
      registers,
      collect() {
        this.set(ingest.queueDepth.twinRows);
      },
    });
    new Gauge({
      name: 'twin_owned_cells',
      help: 'Cells whose twin this instance advances (it holds their lease).',
      registers,
      collect() {
        this.set(ownership.ownedCount);
      },
    });
    new Gauge({
      name: 'twin_live_clients',
      help: 'Browsers connected to /live on this instance.',
      registers,
      collect() {
        this.set(live.connectedClients);
      },
    });
    new Gauge({
      name: 'twin_rig_connections',
      help: 'Rigs connected to /rigs on this instance.',
      registers,
      collect() {
        this.set(live.io?.of('/rigs').sockets.size ?? 0);
      },
    });
    new Gauge({
      name: 'twin_db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting = queued queries).',
      labelNames: ['state'],
      registers,
      collect() {
        const pool = db.pool;
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    this.subscriptions.push(
      ingest.events$.subscribe((e) => {
        if (e.kind === 'commit') {
          this.ingestRows.inc({ result: 'inserted' }, e.inserted);
          this.ingestRows.inc({ result: 'duplicate' }, e.rows - e.inserted);
          this.commitSeconds.observe({ outcome: 'committed' }, e.seconds);
          this.writerWaitSeconds.observe(e.waitedSeconds);
        } else if (e.kind === 'failed') {
          this.ingestRows.inc({ result: 'failed' }, e.rows);
          this.commitSeconds.observe({ outcome: 'failed' }, e.seconds);
        } else {
          this.modelStepSeconds.observe(e.seconds);
          this.modelSamples.inc(e.samples);
        }
      }),
      live.sent$.subscribe(({ event, rooms }) => {
        this.liveEvents.inc({ event });
        if (event === 'alert' && rooms.includes(ALERTS_ROOM)) this.alerts.inc();
      }),
    );
  }

  /** The text exposition format, as Prometheus scrapes it. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  onModuleDestroy(): void {
    this.subscriptions.forEach((s) => s.unsubscribe());
  }
}
