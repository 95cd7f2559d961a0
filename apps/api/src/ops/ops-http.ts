import type { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import { metricsEndpoint } from './metrics-endpoint';
import { MetricsService } from './metrics.service';
import { OPS_CONFIG, type OpsConfig } from './ops-config';
import { securityHeaders } from './security-headers';

/** Express handlers that must run before everything else (body parsers, dashboard): headers, `/metrics`. */
export function opsHttpHandlers(app: INestApplication): RequestHandler[] {
  const config = app.get<OpsConfig>(OPS_CONFIG);
  return [securityHeaders(), metricsEndpoint(app.get(MetricsService), config.metricsToken)];
}
