import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, ErrorCode, STATUS_BY_CODE } from './domain-error';
import { errorBody } from './error-body';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  429: ErrorCode.RateLimited,
  503: ErrorCode.Unavailable,
};

/** Connection-level failures of the database (node errno or SQLSTATE class 08, 53300, 57P0x). */
const DB_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);
function databaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (DB_DOWN_CODES.has(code) || code.startsWith('08'))) return true;
  return (
    e instanceof Error && /^Connection terminated|timeout exceeded when trying to connect/.test(e.message)
  );
}

/** The one place domain codes become HTTP statuses and the contract's error body. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError) {
      if (exception.retryAfterSeconds !== null)
        res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      res
        .status(STATUS_BY_CODE[exception.code])
        .json(errorBody(exception.code, exception.message, exception.details));
      return;
    }
    if (databaseUnavailable(exception)) {
      // e.g. a token not in the auth cache while the database is down: retryable, not a server bug.
      res.setHeader('Retry-After', '2');
      res.status(503).json(errorBody(ErrorCode.Unavailable, 'database unavailable, retry later'));
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      res.status(status).json(errorBody(CODE_BY_STATUS[status] ?? ErrorCode.Internal, exception.message));
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    res.status(500).json(errorBody(ErrorCode.Internal, 'internal error'));
  }
}
