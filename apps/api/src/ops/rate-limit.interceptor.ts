import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { of, tap, type Observable } from 'rxjs';
import type { AuthedRequest } from '../auth/auth.guard';
import type { AuthedSocket } from '../auth/socket-auth';
import { DomainError, ErrorCode } from '../common/domain-error';
import { MetricsService } from './metrics.service';
import { OPS_CONFIG, type OpsConfig } from './ops-config';
import { TokenBuckets } from './token-bucket';

function looksLikeIngestResult(v: unknown): v is { accepted: number; rejected: unknown[] } {
  return (
    typeof v === 'object' &&
    v !== null &&
    'accepted' in v &&
    Array.isArray((v as { rejected?: unknown }).rejected)
  );
}

/**
 * Per-token rate limit for every authenticated HTTP call and socket message. Runs after the guards
 * (so the principal is known) and before any handler, so a refused request does no work at all:
 * HTTP gets 429 + Retry-After, a socket ack gets `{error: {code: 'RATE_LIMITED', retryAfterMs}}`.
 * Anonymous requests (health, readiness) are not limited here.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly buckets: TokenBuckets;

  constructor(
    @Inject(OPS_CONFIG) config: OpsConfig,
    private readonly metrics: MetricsService,
  ) {
    this.buckets = new TokenBuckets(config.rateLimitPerSecond, config.rateLimitBurst);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = context.getType();
    const tokenId =
      type === 'http'
        ? context.switchToHttp().getRequest<AuthedRequest>().principal?.tokenId
        : type === 'ws'
          ? context.switchToWs().getClient<AuthedSocket>().data?.principal?.tokenId
          : undefined;
    if (tokenId !== undefined) {
      const verdict = this.buckets.take(tokenId, Date.now());
      if (!verdict.ok) {
        this.metrics.rateLimited.inc({ transport: type });
        const message = 'rate limit exceeded for this token, retry later';
        if (type === 'ws') {
          return of({ error: { code: ErrorCode.RateLimited, message, retryAfterMs: verdict.retryAfterMs } });
        }
        throw new DomainError(ErrorCode.RateLimited, message, [], Math.ceil(verdict.retryAfterMs / 1000));
      }
    }
    // Per-sample rejections are decided inside the intake; their count is only visible in the reply.
    return next.handle().pipe(
      tap((result) => {
        if (looksLikeIngestResult(result)) this.metrics.rejectedSamples.inc(result.rejected.length);
      }),
    );
  }
}
