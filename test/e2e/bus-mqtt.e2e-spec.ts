import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { apiCall } from '../support/api-call';
import { expectEveryBatchOnce, sharedBusIngestTests } from '../support/bus-ingest-contract';
import { OutcomeLog, portOpen, runId, samplesFrom } from '../support/bus-test-kit';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * MQTT ingest against the machine's Mosquitto and PostgreSQL: QoS 1 batches on
 * `<prefix>/cells/<id>/samples` are stored once, reach the twin and are answered on `…/acks`;
 * resends count as duplicates; bad messages get an error naming the field; what is published while
 * the service is down is consumed when it comes back (persistent session).
 */
const MQTT_PORT = 1883;
const MQTT_URL = `mqtt://127.0.0.1:${MQTT_PORT}`;
const brokerUp = await portOpen(MQTT_PORT);
const adminUrl = inject('pgAdminUrl');
if (!brokerUp)
  console.warn(`\n[bus-mqtt] no MQTT broker on 127.0.0.1:${MQTT_PORT}: skipping the MQTT ingest tests.\n`);

/** Per-run names, so concurrent runs and leftovers of earlier runs never meet. */
function busEnv(id: string): Record<string, string> {
  return {
    MQTT_URL,
    BUS_TOPIC_PREFIX: `t${id}`,
    MQTT_CLIENT_ID: `twin-test-${id}`,
    MQTT_SHARE_GROUP: `g${id}`,
    // Short, so the broker forgets these test sessions soon after the run.
    MQTT_SESSION_EXPIRY_S: '300',
  };
}

/** A rig (or gateway) on the broker: publishes QoS 1 and collects the service's outcomes. */
async function rigClient(prefix: string): Promise<{ client: MqttClient; outcomes: OutcomeLog }> {
  const client = await connectAsync(MQTT_URL, {
    protocolVersion: 5,
    clientId: `rig-${runId()}`,
    clean: true,
  });
  const outcomes = new OutcomeLog();
  client.on('message', (topic, payload, packet) => {
    const cellId = topic.split('/')[2];
    outcomes.add(cellId, JSON.parse(payload.toString()), packet.properties?.correlationData?.toString());
  });
  await client.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
  return { client, outcomes };
}

function publish(
  client: MqttClient,
  prefix: string,
  cellId: string,
  body: unknown,
  correlationId?: string,
): Promise<unknown> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const properties = correlationId ? { correlationData: Buffer.from(correlationId) } : undefined;
  return client.publishAsync(`${prefix}/cells/${cellId}/samples`, payload, { qos: 1, properties });
}

/**
 * The consumer subscribes shortly after the service listens; until then a publish has no
 * subscriber and is dropped by the broker. Probe with an invalid message until its error comes back.
 */
async function untilSubscribed(client: MqttClient, prefix: string, outcomes: OutcomeLog): Promise<void> {
  const until = Date.now() + 20_000;
  while (outcomes.of('probe').length === 0) {
    if (Date.now() > until) throw new Error('the service never answered on the acks topic');
    await publish(client, prefix, 'probe', 'not json');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!brokerUp || !adminUrl)('MQTT ingest (Mosquitto on 127.0.0.1:1883)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let rig: MqttClient;
  let outcomes: OutcomeLog;
  let rigToken: string;
  const id = runId();
  const prefix = `t${id}`;

  beforeAll(async () => {
    delete process.env.METRICS_TOKEN;
    db = await createTestDatabase(adminUrl);
    t = await startTestApp(db.url, busEnv(id));
    for (const cell of ['mq-1', 'mq-2'])
      expect((await t.request('POST', '/cells', sampleCell(cell))).status).toBe(201);
    rigToken = (await t.request('POST', '/tokens', { role: 'rig', label: 'bus rig', cellIds: ['mq-1'] })).body
      .token;
    ({ client: rig, outcomes } = await rigClient(prefix));
    await untilSubscribed(rig, prefix, outcomes);
  });
  afterAll(async () => {
    await rig?.endAsync();
    await t?.close();
    await db?.drop();
  });

  sharedBusIngestTests(() => ({
    t,
    cellId: 'mq-1',
    rigToken,
    outcomes,
    publish: (cellId, body, correlationId) => publish(rig, prefix, cellId, body, correlationId),
  }));

  it('rejects bad samples one by one with field and reason and stores the valid rest', async () => {
    const before = outcomes.of('mq-1').length;
    const [good] = samplesFrom(5000, 1);
    await publish(rig, prefix, 'mq-1', {
      token: rigToken,
      samples: [good, { ...good, seq: 5001, voltageV: 12 }, { ...good, seq: 5002, ts: 'yesterday' }],
    });
    const outcome = (await outcomes.waitFor('mq-1', before + 1))[before];
    expect(outcome).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 1, field: 'voltageV', reason: 'must be within 0–10 V' },
        { index: 2, field: 'ts', reason: 'must be ISO-8601 with a time zone, or epoch ms' },
      ],
    });
  });

  it('drops a message with a bad token, a viewer token, a foreign cell or no samples, saying why', async () => {
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v' })).body.token;
    const samples = samplesFrom(9000, 5);
    const before = outcomes.of('mq-2').length;
    await publish(rig, prefix, 'mq-2', { token: 'ot_rig_not-a-real-token', samples });
    await publish(rig, prefix, 'mq-2', { token: viewer, samples });
    await publish(rig, prefix, 'mq-2', { token: rigToken, samples }); // this rig may write mq-1 only
    await publish(rig, prefix, 'mq-2', { token: ADMIN_TOKEN });
    await publish(rig, prefix, 'nope', { token: ADMIN_TOKEN, samples });
    const answers = (await outcomes.waitFor('mq-2', before + 4)).slice(before);
    expect(answers.map((a) => [a.error.code, a.error.details])).toEqual([
      ['UNAUTHORIZED', [{ field: 'token', reason: 'not a valid token' }]],
      ['FORBIDDEN', [{ field: 'cellId', reason: 'not allowed for this token' }]],
      ['FORBIDDEN', [{ field: 'cellId', reason: 'not allowed for this token' }]],
      ['VALIDATION_FAILED', [{ field: 'samples', reason: 'required' }]],
    ]);
    expect((await outcomes.waitFor('nope', 1))[0].error).toMatchObject({
      code: 'NOT_FOUND',
      details: [{ field: 'cellId', reason: 'not found' }],
    });
    expect(await t.allSamples('mq-2')).toEqual([]);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/twin_bus_messages_total\{bus="mqtt",outcome="stored"\} [1-9]/);
    expect(metrics).toMatch(/twin_bus_messages_total\{bus="mqtt",outcome="invalid"\} [1-9]/);
    expect(metrics).toContain('twin_bus_mqtt_sessions{kind="own"} 4');
    expect(metrics).toContain('twin_bus_mqtt_sessions{kind="adopted"} 0');
  });
});

describe.skipIf(!brokerUp || !adminUrl)('MQTT ingest across a service restart (persistent session)', () => {
  let db: TestDatabase;
  let api: ApiProcess | null = null;

  beforeAll(async () => {
    db = await createTestDatabase(adminUrl);
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await db?.drop();
  });

  it('acks what it took before SIGTERM, consumes after start what was published meanwhile, each batch once', async () => {
    const id = runId();
    const prefix = `t${id}`;
    const env = { DATABASE_URL: db.url!, ADMIN_TOKEN, ...busEnv(id) };
    const port = await freePort();
    api = await startApiProcess(env, port);
    expect((await apiCall(api.url, 'POST', '/cells', sampleCell('mq-r'))).status).toBe(201);
    const { client: rig, outcomes } = await rigClient(prefix);
    try {
      await untilSubscribed(rig, prefix, outcomes);
      // SIGTERM while a stream of batches is being consumed: what was taken commits and is acked,
      // the rest stays with the broker.
      for (let batch = 0; batch < 20; batch++) {
        await publish(rig, prefix, 'mq-r', { token: ADMIN_TOKEN, samples: samplesFrom(batch * 100, 100) });
      }
      await outcomes.waitFor('mq-r', 1);
      api.child.kill('SIGTERM');
      await api.stopped;

      // The broker holds these for the stopped service's session.
      for (let batch = 20; batch < 26; batch++) {
        await publish(rig, prefix, 'mq-r', { token: ADMIN_TOKEN, samples: samplesFrom(batch * 100, 100) });
      }
      api = await startApiProcess(env, port);
      await expectEveryBatchOnce(api.url, db.url!, outcomes, 'mq-r');
      expect(api.output()).toMatch(/session resumed/);
    } finally {
      await rig.endAsync();
    }
  }, 120_000);
});
