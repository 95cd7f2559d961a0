import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { IngestService } from '../ingest/ingest.service';
import { HttpLifecycleService } from './http-lifecycle.service';
import { OPS_CONFIG, type OpsConfig } from './ops-config';
import { ReadinessRepository } from './readiness.repository';

const DB_PING_TIMEOUT_MS = 2000;

/**
 * `GET /api/v1/ready`: 200 when this instance should get traffic, 503 otherwise (database not
 * answering, ingest queue near its limit, or shutting down). `/health` stays a liveness check.
 */
@Controller()
export class ReadinessController {
  constructor(
    @Inject(APP_CONFIG) private readonly app: AppConfig,
    @Inject(OPS_CONFIG) private readonly ops: OpsConfig,
    private readonly repo: ReadinessRepository,
    private readonly ingest: IngestService,
    private readonly lifecycle: HttpLifecycleService,
  ) {}

  @Get('ready')
  @Public()
  @HttpCode(200)
  async ready(@Res({ passthrough: true }) res: Response) {
    const startedMs = performance.now();
    let database: { ok: boolean; latencyMs: number; error?: string };
    try {
      await this.repo.ping(DB_PING_TIMEOUT_MS);
      database = { ok: true, latencyMs: Math.round((performance.now() - startedMs) * 10) / 10 };
    } catch (error) {
      database = {
        ok: false,
        latencyMs: Math.round(performance.now() - startedMs),
        error: (error as Error).message,
      };
    }
    const { pendingRows, twinBatches, twinRows } = this.ingest.queueDepth;
    // Rows waiting for the twin count against the same bound as rows waiting for the database.
    const saturation = (pendingRows + twinRows) / this.app.ingestMaxPendingRows;
    const saturated = saturation > this.ops.readyMaxQueueFraction;
    const ready = database.ok && !saturated && !this.lifecycle.draining;
    if (!ready) res.status(503).setHeader('Retry-After', '1');
    return {
      status: ready ? 'ready' : 'not_ready',
      draining: this.lifecycle.draining,
      database,
      ingest: {
        pendingRows,
        maxPendingRows: this.app.ingestMaxPendingRows,
        saturation: Math.round(saturation * 1000) / 1000,
        saturated,
        twinBatches,
        twinRows,
      },
    };
  }
}
