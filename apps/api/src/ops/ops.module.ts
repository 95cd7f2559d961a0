import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { HttpLifecycleService } from './http-lifecycle.service';
import { MetricsService } from './metrics.service';
import { OPS_CONFIG, loadOpsConfig } from './ops-config';
import { RateLimitInterceptor } from './rate-limit.interceptor';
import { ReadinessController } from './readiness.controller';
import { ReadinessRepository } from './readiness.repository';

/**
 * Running in production (issue #10): Prometheus metrics, readiness, per-token rate limits, HTTP
 * timeouts and graceful shutdown. Security headers and `/metrics` are mounted by `opsHttpHandlers`.
 */
@Module({
  controllers: [ReadinessController],
  providers: [
    { provide: OPS_CONFIG, useFactory: () => loadOpsConfig(process.env) },
    MetricsService,
    ReadinessRepository,
    HttpLifecycleService,
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ],
  exports: [OPS_CONFIG, MetricsService],
})
export class OpsModule {}
