import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { samplesFrom } from './bus-test-kit';
import { ADMIN_TOKEN } from './test-app';

export interface MqttInstance {
  databaseUrl: string;
  /** The run's id: topics `t<id>/…`, share group `g<id>`, client ids `twin-test-<id>-<instance>`. */
  runId: string;
  /** One letter per instance; its INSTANCE_ID is `mq-<instance>`. */
  instance: string;
  mqttUrl?: string;
}

/** The environment of one instance in the multi-instance MQTT fault tests: per-run names, 1.5 s leases. */
export function mqttInstanceEnv({
  databaseUrl,
  runId,
  instance,
  mqttUrl = 'mqtt://127.0.0.1:1883',
}: MqttInstance): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN,
    INSTANCE_ID: `mq-${instance}`,
    LEASE_TTL_MS: '1500',
    MQTT_URL: mqttUrl,
    BUS_TOPIC_PREFIX: `t${runId}`,
    MQTT_CLIENT_ID: `twin-test-${runId}-${instance}`,
    MQTT_SHARE_GROUP: `g${runId}`,
    // Short, so the broker forgets these test sessions soon after the run.
    MQTT_SESSION_EXPIRY_S: '300',
  };
}

/** Batch number `batch` of a cell (100 samples from seq batch × 100), QoS 1, correlation id `b<batch>`. */
export function publishBatch(
  rig: MqttClient,
  runId: string,
  cellId: string,
  batch: number,
): Promise<unknown> {
  return rig.publishAsync(
    `t${runId}/cells/${cellId}/samples`,
    JSON.stringify({ token: ADMIN_TOKEN, samples: samplesFrom(batch * 100, 100) }),
    { qos: 1, properties: { correlationData: Buffer.from(`b${batch}`) } },
  );
}

/** Rows stored for a cell and how many distinct seqs they hold (equal when nothing is stored twice). */
export async function storedRowsOf(databaseUrl: string, cellId: string): Promise<{ n: number; d: number }> {
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ n: number; d: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d FROM samples WHERE cell_id = $1',
      [cellId],
    );
    return rows[0];
  } finally {
    await sql.end();
  }
}
