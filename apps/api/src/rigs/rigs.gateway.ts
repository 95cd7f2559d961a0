import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { IngestResult } from '@twin/contracts';
import type { Namespace } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import { requireSocketRoles, type AuthedSocket } from '../auth/socket-auth';
import { DomainError, ErrorCode } from '../common/domain-error';
import { SampleIntakeService } from '../ingest/sample-intake.service';
import { RigMessageRegistry } from './rig-message.registry';

function toSocketError(error: unknown) {
  if (error instanceof DomainError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details.length ? { details: error.details } : {}),
        ...(error.retryAfterSeconds !== null ? { retryAfterMs: error.retryAfterSeconds * 1000 } : {}),
      },
    };
  }
  return { error: { code: 'INTERNAL', message: 'internal error' } };
}

type SocketIngestReply = IngestResult | { error: { code: string; message: string; retryAfterMs?: number } };

/**
 * `/rigs`: rigs stream `samples` batches; the acknowledgement carries the same result as HTTP
 * ingest and is sent only after the accepted samples are committed. A rig that sees an `error`
 * (or no ack) resends: (cell, seq) de-duplication makes that safe.
 */
@WebSocketGateway({ namespace: '/rigs', maxHttpBufferSize: 8e6 })
export class RigsGateway implements OnGatewayInit {
  constructor(
    private readonly auth: AuthService,
    private readonly intake: SampleIntakeService,
    private readonly extra: RigMessageRegistry,
  ) {}

  /** `spectrum {cellId, ts, points, …}` → ack with the stored spectrum (its fit follows as a live event). */
  @SubscribeMessage('spectrum')
  async spectrum(@ConnectedSocket() socket: AuthedSocket, @MessageBody() body: unknown) {
    const handler = this.extra.get('spectrum');
    if (!handler) return { error: { code: 'NOT_FOUND', message: 'spectra are not handled by this server' } };
    try {
      return await handler(socket.data.principal, body);
    } catch (error) {
      return toSocketError(error);
    }
  }

  afterInit(namespace: Namespace): void {
    requireSocketRoles(namespace, this.auth, ['admin', 'rig']);
  }

  @SubscribeMessage('samples')
  async samples(
    @ConnectedSocket() socket: AuthedSocket,
    @MessageBody() body: unknown,
  ): Promise<SocketIngestReply> {
    const payload = (body ?? {}) as { cellId?: unknown; samples?: unknown };
    try {
      if (!Array.isArray(payload.samples)) {
        throw DomainError.validation([{ field: 'samples', reason: 'must be an array' }]);
      }
      return await this.intake.intake(socket.data.principal, payload.cellId, payload.samples);
    } catch (error) {
      if (
        error instanceof DomainError &&
        error.code === ErrorCode.NotFound &&
        Array.isArray(payload.samples)
      ) {
        // An unknown cell rejects each sample by itself, like any other per-sample problem.
        const rejected = payload.samples.map((_, index) => ({
          index,
          field: 'cellId',
          reason: 'unknown cell',
        }));
        return { accepted: 0, duplicates: 0, rejected };
      }
      return toSocketError(error);
    }
  }
}
