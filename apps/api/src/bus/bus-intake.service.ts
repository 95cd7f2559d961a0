import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  cellIdFromTopic,
  parseBusMessage,
  type BusErrorOutcome,
  type BusKind,
  type FieldProblem,
  type IngestResult,
} from '@twin/contracts';
import { AuthService } from '../auth/auth.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SampleIntakeService } from '../ingest/sample-intake.service';
import { BusMetrics } from './bus-metrics';

/**
 * What a consumer does with one message:
 * - `stored`: its valid samples are committed (some may be rejected or duplicates) → publish, ack;
 * - `invalid`: nothing in it can ever be stored (bad JSON, bad token, unknown cell) → publish, drop;
 * - `retry`: it may be fine but could not be made durable now (database down) → do not ack.
 * `acksFor` is the cell whose acks topic gets the outcome; null when the topic names no cell.
 */
export type BusVerdict =
  | { kind: 'stored'; acksFor: string; outcome: IngestResult }
  | { kind: 'invalid'; acksFor: string | null; outcome: BusErrorOutcome }
  | { kind: 'retry'; reason: string };

const WHOLE_MESSAGE_ERRORS = new Set<ErrorCode>([
  ErrorCode.ValidationFailed,
  ErrorCode.Unauthorized,
  ErrorCode.Forbidden,
  ErrorCode.NotFound,
  ErrorCode.PayloadTooLarge,
]);

function invalid(
  acksFor: string | null,
  code: ErrorCode,
  message: string,
  details: FieldProblem[],
): BusVerdict {
  return { kind: 'invalid', acksFor, outcome: { error: { code, message, details } } };
}

/**
 * The transport-free half of bus ingest: topic → cell, payload → token and samples, token → the
 * same rights as HTTP, then the shared intake (validation, de-duplication, batch writer, twin).
 */
@Injectable()
export class BusIntakeService {
  private readonly logger = new Logger('bus');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly intake: SampleIntakeService,
    private readonly metrics: BusMetrics,
  ) {}

  async handle(bus: BusKind, topic: string, payload: Uint8Array): Promise<BusVerdict> {
    const verdict = await this.decide(bus, topic, payload);
    this.metrics.counted(bus, verdict);
    return verdict;
  }

  private async decide(bus: BusKind, topic: string, payload: Uint8Array): Promise<BusVerdict> {
    const cell = cellIdFromTopic(bus, this.config.bus.topicPrefix, topic);
    if (!cell.ok) return invalid(cell.raw, ErrorCode.ValidationFailed, 'invalid topic', [cell.problem]);
    const parsed = parseBusMessage(payload);
    if (!parsed.ok)
      return invalid(cell.cellId, ErrorCode.ValidationFailed, 'invalid message', parsed.problems);
    try {
      const principal = await this.auth.verify(parsed.message.token);
      if (!principal) {
        return invalid(cell.cellId, ErrorCode.Unauthorized, 'unknown token', [
          { field: 'token', reason: 'not a valid token' },
        ]);
      }
      const outcome = await this.intake.intake(principal, cell.cellId, parsed.message.samples);
      return { kind: 'stored', acksFor: cell.cellId, outcome };
    } catch (error) {
      if (error instanceof DomainError && WHOLE_MESSAGE_ERRORS.has(error.code)) {
        return invalid(cell.cellId, error.code, error.message, error.details);
      }
      // Database down (503 from ingest, a token look-up that failed) or anything unexpected: the
      // message may well be good, so it stays with the broker rather than being dropped.
      const reason = (error as Error).message;
      if (!(error instanceof DomainError)) this.logger.warn(`message on ${topic} will be retried: ${reason}`);
      return { kind: 'retry', reason };
    }
  }
}
