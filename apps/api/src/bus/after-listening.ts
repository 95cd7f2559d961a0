import type { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/**
 * Runs `start` once the HTTP server listens. `startApp` makes the admin token and recovers every
 * twin after the init hooks but before listening; a consumer started any earlier would find
 * ADMIN_TOKEN unknown and drop messages queued for it as unauthorized.
 */
export function afterListening(adapterHost: HttpAdapterHost, start: () => void): void {
  const server = adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  if (!server || server.listening) return start();
  server.once('listening', start);
}
