/** Settings of the alerts module, parsed once at boot from the environment; bad values fail fast. */
export interface AlertsConfig {
  /** Persist evaluator state after this many observations of a cell (and always on shutdown). */
  stateSaveEveryObservations: number;
  webhookMaxAttempts: number;
  /** First retry delay; doubles per attempt up to webhookRetryMaxMs. */
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  webhookTimeoutMs: number;
  /** How often the delivery worker looks for due deliveries. */
  webhookPollMs: number;
}

export const ALERTS_CONFIG = Symbol('ALERTS_CONFIG');

export function loadAlertsConfig(env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer ≥ ${min} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const config: AlertsConfig = {
    stateSaveEveryObservations: int('ALERT_STATE_SAVE_EVERY', 2000, 1),
    webhookMaxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 8, 1),
    webhookRetryBaseMs: int('WEBHOOK_RETRY_BASE_MS', 1000, 1),
    webhookRetryMaxMs: int('WEBHOOK_RETRY_MAX_MS', 300_000, 1),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 5000, 1),
    webhookPollMs: int('WEBHOOK_POLL_MS', 500, 10),
  };
  if (problems.length > 0) throw new Error(`invalid alerts configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
