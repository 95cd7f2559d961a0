import { connect as connectNats } from 'nats';
import { connectAsync as connectMqtt } from 'mqtt';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { OutcomeLog, portOpen, runId, samplesFrom } from '../support/bus-test-kit';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import {
  privatePostgresAvailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres';

/**
 * PostgreSQL stopped while rigs publish on MQTT and NATS JetStream (a private server, so the
 * machine's shared one is never touched): no message is acknowledged or answered while nothing
 * can be made durable, the brokers keep them, and once the database is back every batch is stored
 * exactly once and the twins end at the last sample.
 */
const OUTAGE_MS = 8_000;
const BATCHES = 5;
const PER_BATCH = 100;
const brokersUp = (await portOpen(1883)) && (await portOpen(4222));
if (!brokersUp) console.warn('\n[bus-outage] Mosquitto (1883) or NATS (4222) not reachable: skipping.\n');

let server: PrivatePostgres | null = null;
let api: ApiProcess | null = null;
const id = runId();
const prefix = `t${id}`;
const stream = `TWIN_OUTAGE_${id}`;

afterAll(async () => {
  api?.child.kill('SIGKILL');
  if (api) await api.stopped;
  server?.destroy();
  if (brokersUp) {
    const nc = await connectNats({ servers: 'nats://127.0.0.1:4222' });
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
});

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe.skipIf(!privatePostgresAvailable || !brokersUp)('PostgreSQL outage under bus ingest', () => {
  it('acks nothing while the database is down and stores every message once after it returns', async () => {
    server = await startPrivatePostgres();
    api = await startApiProcess(
      {
        DATABASE_URL: server.url,
        ADMIN_TOKEN,
        MQTT_URL: 'mqtt://127.0.0.1:1883',
        NATS_URL: 'nats://127.0.0.1:4222',
        BUS_TOPIC_PREFIX: prefix,
        MQTT_CLIENT_ID: `twin-outage-${id}`,
        MQTT_SHARE_GROUP: `g${id}`,
        MQTT_SESSION_EXPIRY_S: '300',
        NATS_STREAM: stream,
        NATS_CONSUMER: `twin-outage-${id}`,
        BUS_RETRY_BASE_MS: '200',
        BUS_RETRY_MAX_MS: '2000',
      },
      await freePort(),
    );
    const url = api.url;
    for (const cell of ['out-mq', 'out-js'])
      expect((await call(url, 'POST', '/cells', sampleCell(cell))).status).toBe(201);

    const outcomes = new OutcomeLog();
    const mqtt = await connectMqtt('mqtt://127.0.0.1:1883', {
      protocolVersion: 5,
      clientId: `rig-${runId()}`,
    });
    mqtt.on('message', (topic, payload) => outcomes.add(topic.split('/')[2], JSON.parse(payload.toString())));
    await mqtt.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
    const nc = await connectNats({ servers: 'nats://127.0.0.1:4222' });
    nc.subscribe(`${prefix}.cells.*.acks`, {
      callback: (error, msg) => !error && outcomes.add(msg.subject.split('.')[2], msg.json()),
    });
    const js = nc.jetstream();
    const send = async (batch: number) => {
      const body = JSON.stringify({ token: ADMIN_TOKEN, samples: samplesFrom(batch * PER_BATCH, PER_BATCH) });
      await mqtt.publishAsync(`${prefix}/cells/out-mq/samples`, body, { qos: 1 });
      await js.publish(`${prefix}.cells.out-js.samples`, body);
    };
    try {
      // Batch 0 until both consumers answer (they subscribe shortly after the service listens).
      await eventually(
        async () => {
          if (outcomes.of('out-mq').length === 0 || outcomes.of('out-js').length === 0) {
            await send(0).catch(() => undefined);
          }
          return outcomes.of('out-mq').length > 0 && outcomes.of('out-js').length > 0;
        },
        (ok) => ok,
        20_000,
      );

      server.stop();
      for (let batch = 1; batch < BATCHES; batch++) await send(batch);
      const answeredBefore: Record<string, number> = {
        'out-mq': outcomes.of('out-mq').length,
        'out-js': outcomes.of('out-js').length,
      };
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      expect({ 'out-mq': outcomes.of('out-mq').length, 'out-js': outcomes.of('out-js').length }).toEqual(
        answeredBefore,
      );
      expect(api.child.exitCode, api.output().slice(-4000)).toBeNull();

      server.start();
      const total = BATCHES * PER_BATCH;
      await eventually(
        async () => {
          const c = new pg.Client({ connectionString: server!.url });
          try {
            await c.connect();
            const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM samples');
            return rows[0].n;
          } catch {
            return -1;
          } finally {
            await c.end().catch(() => undefined);
          }
        },
        (n) => n === 2 * total,
        60_000,
      );
      const sql = new pg.Client({ connectionString: server.url });
      await sql.connect();
      try {
        const { rows } = await sql.query(
          'SELECT cell_id, count(*)::int AS n, count(DISTINCT seq)::int AS d, max(seq)::int AS hi FROM samples GROUP BY cell_id ORDER BY cell_id',
        );
        expect(rows).toEqual([
          { cell_id: 'out-js', n: total, d: total, hi: total - 1 },
          { cell_id: 'out-mq', n: total, d: total, hi: total - 1 },
        ]);
      } finally {
        await sql.end();
      }
      for (const cell of ['out-mq', 'out-js']) {
        const answers = await outcomes.waitFor(cell, answeredBefore[cell] + BATCHES - 1, 30_000);
        const accepted = answers.reduce((n: number, a: any) => n + (a.accepted ?? 0), 0);
        expect(accepted, cell).toBe(total);
        await eventually(
          async () => (await call(url, 'GET', `/cells/${cell}`)).body.state?.seq,
          (seq) => seq === total - 1,
          30_000,
        );
      }
      // MQTT handed the message back (no PUBACK) and got it again on the resumed session.
      expect(api.output()).toMatch(/reconnecting in \d+ ms for redelivery/);
      expect(api.output().match(/session resumed/g)?.length).toBeGreaterThanOrEqual(1);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/twin_bus_messages_total\{bus="mqtt",outcome="retry"\} [1-9]/);
      expect(metrics).toMatch(/twin_bus_messages_total\{bus="nats",outcome="retry"\} [1-9]/);
      // Both brokers marked what came again: MQTT's DUP flag on the resumed session, JetStream's count.
      expect(metrics).toMatch(/twin_bus_redeliveries_total\{bus="mqtt"\} [1-9]/);
      expect(metrics).toMatch(/twin_bus_redeliveries_total\{bus="nats"\} [1-9]/);
    } finally {
      await mqtt.endAsync();
      await nc.close();
    }
  }, 180_000);
});
