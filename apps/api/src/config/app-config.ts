import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  adminToken: string | null;
  /** Live `twin` emissions per cell per second (issue #3: at most 10 by default). */
  liveMaxPerSecond: number;
  /** Twin states a cell may send at once before LIVE_MAX_PER_SECOND applies. */
  liveBurst: number;
  /** engine.io packets queued for one /live socket before `twin` states skip it (a slow reader). */
  liveMaxQueuedPackets: number;
  ingestBatchMaxRows: number;
  ingestBatchMaxWaitMs: number;
  /** Batch statements in flight at once (the twin still sees them in order). */
  ingestWriters: number;
  /** Rows accepted but not yet committed before ingest pushes back with 503 + Retry-After. */
  ingestMaxPendingRows: number;
  maxFutureSkewMs: number;
  checkpointEverySamples: number;
  poolSize: number;
  version: string;
  logLevel: 'silent' | 'info' | 'debug';
  /** Message-bus ingest (MQTT / NATS JetStream); nothing starts unless a URL is set. */
  bus: BusConfig;
  /** Names this process in `cell_leases` (INSTANCE_ID); unique per running instance. */
  instanceId: string;
  /** A cell's lease lasts this long unless renewed (every third of it); then another instance takes over. */
  leaseTtlMs: number;
  /** How often the owner looks for samples of its cells committed by other instances. */
  ownershipPollMs: number;
}

export interface BusConfig {
  mqttUrl: string | null;
  natsUrl: string | null;
  /** First topic level / subject token: `<prefix>/cells/<cellId>/samples`. */
  topicPrefix: string;
  /** Stable across restarts, so the broker keeps this instance's session and queues for it while it is down. */
  mqttClientId: string;
  /** Instances in one `$share/<group>/…` subscription each get a message once between them. */
  mqttShareGroup: string;
  /** How long the broker keeps the session (and its queued messages) after this instance disconnects. */
  mqttSessionExpirySeconds: number;
  /**
   * MQTT sessions (connections) per instance, all in the share group: mqtt.js takes one message at a
   * time per connection, so this is how many batches an instance commits at once from MQTT.
   */
  mqttConnections: number;
  natsStream: string;
  /** Durable pull consumer, shared by every instance. */
  natsConsumer: string;
  /** Messages consumed but not yet acknowledged, per instance (MQTT receive maximum, JetStream pull batch). */
  maxInFlight: number;
  /** Transient failures (database down) retry after base × 2^n ms, capped; the message is never acked meanwhile. */
  retryBaseMs: number;
  retryMaxMs: number;
}

function int(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  problems: string[],
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    problems.push(`${name} must be an integer ${range} (got "${raw}")`);
    return fallback;
  }
  return value;
}

/** Parses the environment once at boot and fails fast with every bad variable listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const config: AppConfig = {
    port: int(env, 'PORT', 3000, problems),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || null,
    dataDir: resolve(env.DATA_DIR ?? './data'),
    adminToken: env.ADMIN_TOKEN || null,
    liveMaxPerSecond: int(env, 'LIVE_MAX_PER_SECOND', 10, problems, 1),
    liveBurst: int(env, 'LIVE_BURST', 3, problems, 1),
    liveMaxQueuedPackets: int(env, 'LIVE_MAX_QUEUED_PACKETS', 1000, problems, 1),
    ingestBatchMaxRows: int(env, 'INGEST_BATCH_MAX_ROWS', 5000, problems, 1),
    ingestBatchMaxWaitMs: int(env, 'INGEST_BATCH_MAX_WAIT_MS', 1, problems, 0),
    ingestWriters: int(env, 'INGEST_WRITERS', 2, problems, 1),
    ingestMaxPendingRows: int(env, 'INGEST_MAX_PENDING_ROWS', 200_000, problems, 1),
    maxFutureSkewMs: int(env, 'MAX_FUTURE_SKEW_MS', 24 * 3600 * 1000, problems),
    checkpointEverySamples: int(env, 'CHECKPOINT_EVERY_SAMPLES', 1000, problems, 1),
    poolSize: int(env, 'DB_POOL_SIZE', 8, problems, 1),
    version: env.npm_package_version ?? '0.1.0',
    logLevel: env.LOG_LEVEL === 'silent' || env.LOG_LEVEL === 'debug' ? env.LOG_LEVEL : 'info',
    bus: loadBusConfig(env, problems),
    instanceId: env.INSTANCE_ID || defaultInstanceId(env.PORT),
    leaseTtlMs: int(env, 'LEASE_TTL_MS', 15_000, problems, 300),
    ownershipPollMs: int(env, 'OWNERSHIP_POLL_MS', 250, problems, 10),
  };
  if (config.adminToken !== null && config.adminToken.length < 16) {
    problems.push('ADMIN_TOKEN must be at least 16 characters');
  }
  if (problems.length > 0) {
    throw new Error(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/**
 * Stable across restarts of the same instance (host and port), so a restarted service takes its own
 * cells back at once instead of waiting for their leases to expire; random when the port is chosen
 * by the OS, since two such processes on one host would otherwise share a name.
 */
function defaultInstanceId(port: string | undefined): string {
  if (port && port !== '0') return `${hostname()}:${port}`;
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function loadBusConfig(env: NodeJS.ProcessEnv, problems: string[]): BusConfig {
  const url = (name: string, schemes: RegExp): string | null => {
    const raw = env[name] || null;
    if (raw !== null && !schemes.test(raw))
      problems.push(`${name} must start with ${schemes.source} (got "${raw}")`);
    return raw;
  };
  const name = (key: string, fallback: string): string => {
    const raw = env[key] || fallback;
    if (!NAME.test(raw)) problems.push(`${key} must match ${NAME.source} (got "${raw}")`);
    return raw;
  };
  const host = hostname()
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 40);
  return {
    mqttUrl: url('MQTT_URL', /^(mqtts?|tcp|ssl|wss?):\/\//),
    natsUrl: url('NATS_URL', /^(nats|tls):\/\//),
    topicPrefix: name('BUS_TOPIC_PREFIX', 'twin'),
    mqttClientId: name('MQTT_CLIENT_ID', `operando-twin-${host}`),
    mqttShareGroup: name('MQTT_SHARE_GROUP', 'operando-twin'),
    mqttSessionExpirySeconds: int(env, 'MQTT_SESSION_EXPIRY_S', 7 * 24 * 3600, problems, 0),
    // Each session is a broker connection and a lease row: the bound keeps a typo from opening thousands.
    mqttConnections: int(env, 'MQTT_CONNECTIONS', 4, problems, 1, 64),
    natsStream: name('NATS_STREAM', 'TWIN_SAMPLES'),
    natsConsumer: name('NATS_CONSUMER', 'operando-twin'),
    maxInFlight: int(env, 'BUS_MAX_IN_FLIGHT', 16, problems, 1),
    retryBaseMs: int(env, 'BUS_RETRY_BASE_MS', 500, problems, 1),
    retryMaxMs: int(env, 'BUS_RETRY_MAX_MS', 30_000, problems, 1),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
