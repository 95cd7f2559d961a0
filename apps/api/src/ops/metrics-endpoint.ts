import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ErrorCode } from '../common/domain-error';
import { errorBody } from '../common/error-body';
import type { MetricsService } from './metrics.service';

/**
 * `GET /metrics` at the root (Prometheus' convention, outside `/api/v1`), mounted before the
 * dashboard so its client-side routing never answers it. Open unless `METRICS_TOKEN` is set.
 */
export function metricsEndpoint(metrics: MetricsService, token: string | null): RequestHandler {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  // Digests of equal length, compared in constant time: response time says nothing about the secret.
  const expected = token === null ? null : digest(`Bearer ${token}`);
  return (req, res, next) => {
    if (req.path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (expected !== null && !timingSafeEqual(expected, digest(req.headers.authorization ?? ''))) {
      res.status(401).json(errorBody(ErrorCode.Unauthorized, 'metrics need METRICS_TOKEN'));
      return;
    }
    metrics
      .scrape()
      .then(({ contentType, body }) => res.type(contentType).send(body))
      .catch(next);
  };
}
