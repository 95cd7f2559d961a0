import type { Server } from 'node:http';
import type { OpsConfig } from './ops-config';

/**
 * Slow-client defence: a request must arrive whole within `httpRequestTimeoutMs` (headers within
 * `httpHeadersTimeoutMs`), or node answers 408 and closes the connection. Must run before
 * `listen`, which is when node starts the timer that checks these limits.
 */
export function applyHttpTimeouts(server: Server, config: OpsConfig): void {
  server.requestTimeout = config.httpRequestTimeoutMs;
  server.headersTimeout = config.httpHeadersTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    config.httpTimeoutCheckIntervalMs;
}
