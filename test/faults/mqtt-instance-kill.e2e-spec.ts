import { connect, type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { expectEveryBatchOnce } from '../support/bus-ingest-contract';
import { OutcomeLog, portOpen, runId, samplesFrom } from '../support/bus-test-kit';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Two instances in one MQTT share group; one is killed with SIGKILL. Mosquitto keeps routing every
 * other message to the dead member's persistent session: the survivor must adopt that session and
 * commit what waits in it, and the dead instance, restarted, must take its session back and rejoin
 * the group.
 */
const MQTT_URL = 'mqtt://127.0.0.1:1883';
const brokerUp = await portOpen(1883);
const adminUrl = inject('pgAdminUrl');
if (!brokerUp) console.warn('\n[mqtt-instance-kill] no MQTT broker on 127.0.0.1:1883: skipping.\n');

const CELL = 'mqk-1';
let db: TestDatabase;
const apis: ApiProcess[] = [];
let rig: MqttClient | null = null;

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
});
afterAll(async () => {
  for (const api of apis) api.child.kill('SIGKILL');
  await rig?.endAsync();
  await db?.drop();
});

async function storedMqttMessages(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/twin_bus_messages_total\{bus="mqtt",outcome="stored"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}

describe.skipIf(!brokerUp || !adminUrl)('an instance of two killed while rigs publish over MQTT', () => {
  it("lets the survivor drain the dead instance's session; the restarted instance rejoins", async () => {
    const id = runId();
    const prefix = `t${id}`;
    const env = (instance: string) => ({
      DATABASE_URL: db.url!,
      ADMIN_TOKEN,
      INSTANCE_ID: `mqk-${instance}`,
      LEASE_TTL_MS: '1500',
      MQTT_URL,
      BUS_TOPIC_PREFIX: prefix,
      MQTT_CLIENT_ID: `twin-test-${id}-${instance}`,
      MQTT_SHARE_GROUP: `g${id}`,
      MQTT_SESSION_EXPIRY_S: '300',
    });
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startApiProcess(env('a'), portA);
    apis.push(a);
    let b = await startApiProcess(env('b'), portB);
    apis.push(b);
    expect((await apiCall(a.url, 'POST', '/cells', sampleCell(CELL))).status).toBe(201);

    const outcomes = new OutcomeLog();
    rig = connect(MQTT_URL, { protocolVersion: 5, clientId: `rig-${id}`, clean: true });
    rig.on('message', (topic, payload) => outcomes.add(topic.split('/')[2], JSON.parse(payload.toString())));
    await rig.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
    await eventually(
      async () => [a, b].every((api) => api.output().includes(`subscribed to $share/g${id}/`)),
      (both) => both,
      20_000,
    );

    b.child.kill('SIGKILL');
    expect(await b.stopped).toBeNull();
    // 26 batches of 100: the broker hands every other one to the dead member's session.
    for (let batch = 0; batch < 26; batch++) {
      await rig.publishAsync(
        `${prefix}/cells/${CELL}/samples`,
        JSON.stringify({ token: ADMIN_TOKEN, samples: samplesFrom(batch * 100, 100) }),
        { qos: 1 },
      );
    }
    await expectEveryBatchOnce(a.url, db.url!, outcomes, CELL);
    const survivor = a.output();
    expect(survivor).toContain(`adopted MQTT session twin-test-${id}-b`);
    const drained = new RegExp(`MQTT session twin-test-${id}-b: drained after (\\d+) message`).exec(
      await eventually(
        async () => a.output(),
        (out) => out.includes(': drained after'),
        10_000,
      ),
    );
    expect(Number(drained?.[1])).toBeGreaterThanOrEqual(12);

    // Restarted under its client id: it resumes its session, subscribes again and takes its share.
    b = await startApiProcess(env('b'), portB);
    apis.push(b);
    await eventually(
      async () => b.output(),
      (out) => /session resumed/.test(out) && out.includes(`subscribed to $share/g${id}/`),
      20_000,
    );
    for (let batch = 26; batch < 36; batch++) {
      await rig.publishAsync(
        `${prefix}/cells/${CELL}/samples`,
        JSON.stringify({ token: ADMIN_TOKEN, samples: samplesFrom(batch * 100, 100) }),
        { qos: 1 },
      );
    }
    await outcomes.waitFor(CELL, 36, 30_000);
    expect(await storedMqttMessages(b.url)).toBeGreaterThan(0);
    const sql = new pg.Client({ connectionString: db.url! });
    await sql.connect();
    try {
      const { rows } = await sql.query(
        'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d FROM samples WHERE cell_id = $1',
        [CELL],
      );
      expect(rows[0]).toEqual({ n: 3600, d: 3600 });
      const leases = await sql.query('SELECT client_id, holder FROM mqtt_session_leases ORDER BY client_id');
      expect(leases.rows).toEqual([
        { client_id: `twin-test-${id}-a`, holder: 'mqk-a' },
        { client_id: `twin-test-${id}-b`, holder: 'mqk-b' },
      ]);
    } finally {
      await sql.end();
    }
  }, 150_000);
});
