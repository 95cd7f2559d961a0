/** Settings of the operations module (limits, timeouts, metrics access), parsed once at boot; bad values fail fast. */
export interface OpsConfig {
  /** Sustained requests (HTTP calls and socket messages) per second per token; 0 turns limiting off. */
  rateLimitPerSecond: number;
  /** Requests a token may make at once after being idle (bucket capacity). */
  rateLimitBurst: number;
  /** Whole request (headers and body) must arrive within this; cuts off clients that trickle bytes. */
  httpRequestTimeoutMs: number;
  httpHeadersTimeoutMs: number;
  /** How often node checks those two timeouts (its default, 30 s, would let a trickler linger that long). */
  httpTimeoutCheckIntervalMs: number;
  /** When set, `/metrics` wants `Authorization: Bearer <token>`; unset, it is open (protect it at the proxy). */
  metricsToken: string | null;
  /** `/ready` reports not ready once pending ingest rows exceed this fraction of INGEST_MAX_PENDING_ROWS. */
  readyMaxQueueFraction: number;
  /** Grace given to sockets between the shutdown notice and the disconnect. */
  shutdownNoticeMs: number;
}

export const OPS_CONFIG = Symbol('OPS_CONFIG');

export function loadOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const problems: string[] = [];
  const num = (name: string, fallback: number, min: number, integer = true): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
      problems.push(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const config: OpsConfig = {
    rateLimitPerSecond: num('RATE_LIMIT_PER_SECOND', 500, 0, false),
    rateLimitBurst: num('RATE_LIMIT_BURST', 1000, 1),
    httpRequestTimeoutMs: num('HTTP_REQUEST_TIMEOUT_MS', 120_000, 100),
    httpHeadersTimeoutMs: num('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100),
    httpTimeoutCheckIntervalMs: num('HTTP_TIMEOUT_CHECK_INTERVAL_MS', 1_000, 50),
    metricsToken: env.METRICS_TOKEN || null,
    readyMaxQueueFraction: num('READY_MAX_QUEUE_FRACTION', 0.9, 0, false),
    shutdownNoticeMs: num('SHUTDOWN_NOTICE_MS', 200, 0),
  };
  if (config.readyMaxQueueFraction > 1) problems.push('READY_MAX_QUEUE_FRACTION must be ≤ 1');
  if (config.metricsToken !== null && config.metricsToken.length < 16) {
    problems.push('METRICS_TOKEN must be at least 16 characters');
  }
  if (problems.length > 0) throw new Error(`invalid ops configuration:\n  - ${problems.join('\n  - ')}`);
  // node refuses a headers timeout longer than the request timeout, so clamp rather than fail.
  config.httpHeadersTimeoutMs = Math.min(config.httpHeadersTimeoutMs, config.httpRequestTimeoutMs);
  return config;
}
