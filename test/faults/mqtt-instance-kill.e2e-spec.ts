import { connect, type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { expectEveryBatchOnce } from '../support/bus-ingest-contract';
import { OutcomeLog, portOpen, runId } from '../support/bus-test-kit';
import { eventually, sampleCell } from '../support/test-app';
import { mqttInstanceEnv, publishBatch, storedRowsOf } from '../support/mqtt-instances';
import { metricOf } from '../support/metrics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Two instances in one MQTT share group, four sessions each (MQTT_CONNECTIONS' default); one is
 * killed with SIGKILL. Mosquitto keeps routing half the messages to the dead member's persistent
 * sessions: the survivor must adopt them and commit what waits there, and the dead instance,
 * restarted, must take its sessions back and rejoin the group. The same adoption drains the session
 * an instance leaves behind when restarted with fewer MQTT_CONNECTIONS.
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

/** Every one of an instance's four sessions has subscribed. */
const allSubscribed = (out: string, id: string) => out.split(`subscribed to $share/g${id}/`).length - 1 >= 4;

const storedMqttMessages = (url: string) =>
  metricOf(url, 'twin_bus_messages_total{bus="mqtt",outcome="stored"}');

describe.skipIf(!brokerUp || !adminUrl)(
  'MQTT sessions nobody holds any more (Mosquitto on 127.0.0.1:1883)',
  () => {
    it("lets the survivor drain the dead instance's session; the restarted instance rejoins", async () => {
      const id = runId();
      const prefix = `t${id}`;
      const env = (instance: string) => mqttInstanceEnv({ databaseUrl: db.url!, runId: id, instance });
      const [portA, portB] = [await freePort(), await freePort()];
      const a = await startApiProcess(env('a'), portA);
      apis.push(a);
      let b = await startApiProcess(env('b'), portB);
      apis.push(b);
      expect((await apiCall(a.url, 'POST', '/cells', sampleCell(CELL))).status).toBe(201);

      const outcomes = new OutcomeLog();
      rig = connect(MQTT_URL, { protocolVersion: 5, clientId: `rig-${id}`, clean: true });
      rig.on('message', (topic, payload) =>
        outcomes.add(topic.split('/')[2], JSON.parse(payload.toString())),
      );
      await rig.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
      await eventually(
        async () => [a, b].every((api) => allSubscribed(api.output(), id)),
        (both) => both,
        20_000,
      );

      b.child.kill('SIGKILL');
      expect(await b.stopped).toBeNull();
      // 26 batches of 100: the broker hands half of them to the dead instance's sessions.
      for (let batch = 0; batch < 26; batch++) await publishBatch(rig, id, CELL, batch);
      await expectEveryBatchOnce(a.url, db.url!, outcomes, CELL);
      // The dead instance's sessions (MQTT_CONNECTIONS, 4 by default) were adopted and drained: between
      // them they held the half of the 26 batches the broker gave the dead member.
      const drainedFrom = (out: string) => [
        ...out.matchAll(
          new RegExp(`MQTT session twin-test-${id}-b(?:\\.\\d)?: drained after (\\d+) message`, 'g'),
        ),
      ];
      const survivor = await eventually(
        async () => a.output(),
        (out) => drainedFrom(out).length === 4,
        20_000,
      );
      expect(survivor).toContain(`adopted MQTT session twin-test-${id}-b.4`);
      expect(drainedFrom(survivor).reduce((n, m) => n + Number(m[1]), 0)).toBeGreaterThanOrEqual(12);

      // Restarted under its client ids: it resumes its sessions, subscribes again and takes its share.
      b = await startApiProcess(env('b'), portB);
      apis.push(b);
      await eventually(
        async () => b.output(),
        (out) => /session resumed/.test(out) && allSubscribed(out, id),
        20_000,
      );
      for (let batch = 26; batch < 36; batch++) await publishBatch(rig, id, CELL, batch);
      await outcomes.waitFor(CELL, 36, 30_000);
      expect(await storedMqttMessages(b.url)).toBeGreaterThan(0);
      for (const api of [a, b]) {
        const metrics = await (await fetch(`${api.url}/metrics`)).text();
        expect(metrics).toContain('twin_bus_mqtt_sessions{kind="own"} 4');
        expect(metrics).toContain('twin_bus_mqtt_sessions{kind="adopted"} 0');
      }
      expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(
        /twin_bus_mqtt_adoptions_total\{end="drained"\} 4/,
      );
      const sql = new pg.Client({ connectionString: db.url! });
      await sql.connect();
      try {
        expect(await storedRowsOf(db.url!, CELL)).toEqual({ n: 3600, d: 3600 });
        const leases = await sql.query(
          'SELECT client_id, holder FROM mqtt_session_leases ORDER BY client_id',
        );
        const sessions = (instance: string) =>
          ['', '.2', '.3', '.4'].map((k) => ({
            client_id: `twin-test-${id}-${instance}${k}`,
            holder: `mq-${instance}`,
          }));
        expect(leases.rows).toEqual([...sessions('a'), ...sessions('b')]);
      } finally {
        await sql.end();
      }
    }, 150_000);

    it('drains the session left over when MQTT_CONNECTIONS is lowered, and clears a lease the broker has no session for', async () => {
      const own = await createTestDatabase(adminUrl);
      const id = runId();
      const prefix = `t${id}`;
      const clientId = `twin-test-${id}-c`;
      const env = (connections: number) => ({
        ...mqttInstanceEnv({ databaseUrl: own.url!, runId: id, instance: 'c' }),
        MQTT_CONNECTIONS: String(connections),
      });
      const subscriptions = (out: string) => out.split(`subscribed to $share/g${id}/`).length - 1;
      const publish = (batch: number) => publishBatch(rig!, id, CELL, batch);
      const sql = new pg.Client({ connectionString: own.url! });
      try {
        const port = await freePort();
        const three = await startApiProcess(env(3), port);
        apis.push(three);
        expect((await apiCall(three.url, 'POST', '/cells', sampleCell(CELL))).status).toBe(201);
        await eventually(
          async () => subscriptions(three.output()),
          (n) => n >= 3,
          20_000,
        );
        three.child.kill('SIGTERM');
        await three.stopped;

        // Restarted with two sessions: `<id>.3` stays in the share group at the broker, and its lease lapses.
        const two = await startApiProcess(env(2), port);
        apis.push(two);
        await eventually(
          async () => subscriptions(two.output()),
          (n) => n >= 2,
          20_000,
        );
        const outcomes = new OutcomeLog();
        rig = rig ?? connect(MQTT_URL, { protocolVersion: 5, clientId: `rig-${id}`, clean: true });
        rig.on('message', (topic, payload) => {
          if (topic.startsWith(`${prefix}/`))
            outcomes.add(topic.split('/')[2], JSON.parse(payload.toString()));
        });
        await rig.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
        for (let batch = 0; batch < 12; batch++) await publish(batch);
        await outcomes.waitFor(CELL, 12, 30_000);
        const drained = await eventually(
          async () => new RegExp(`MQTT session ${clientId}\\.3: drained after (\\d+)`).exec(two.output()),
          (m) => m !== null,
          10_000,
        );
        expect(Number(drained![1])).toBeGreaterThanOrEqual(3);

        // Out of the share group now: new batches go to the two live sessions at once.
        for (let batch = 12; batch < 18; batch++) await publish(batch);
        await outcomes.waitFor(CELL, 18, 5_000);

        await sql.connect();
        await sql.query("INSERT INTO mqtt_session_leases VALUES ($1, 'gone', now() - interval '1 hour')", [
          `ghost-${id}`,
        ]);
        await eventually(
          async () => two.output(),
          (out) => out.includes(`MQTT session ghost-${id} is gone from the broker: nothing to drain`),
          10_000,
        );
        await eventually(
          async () => (await sql.query('SELECT client_id FROM mqtt_session_leases ORDER BY 1')).rows,
          (rows) => rows.length === 2,
          5_000,
        );
        expect(await storedRowsOf(own.url!, CELL)).toEqual({ n: 1800, d: 1800 });
      } finally {
        await sql.end().catch(() => undefined);
        await own.drop();
      }
    }, 120_000);

    it('hands a session back to its instance when it returns while a peer is still on it', async () => {
      const own = await createTestDatabase(adminUrl);
      const id = runId();
      const prefix = `t${id}`;
      const env = (instance: string) => mqttInstanceEnv({ databaseUrl: own.url!, runId: id, instance });
      const outcomes = new OutcomeLog();
      const publish = (batch: number) => publishBatch(rig!, id, CELL, batch);
      try {
        const [portD, portE] = [await freePort(), await freePort()];
        const d = await startApiProcess(env('d'), portD);
        apis.push(d);
        let e = await startApiProcess(env('e'), portE);
        apis.push(e);
        expect((await apiCall(d.url, 'POST', '/cells', sampleCell(CELL))).status).toBe(201);
        rig = rig ?? connect(MQTT_URL, { protocolVersion: 5, clientId: `rig-${id}`, clean: true });
        rig.on('message', (topic, payload, packet) => {
          if (!topic.startsWith(`${prefix}/`)) return;
          const batch = packet.properties?.correlationData?.toString();
          outcomes.add(topic.split('/')[2], JSON.parse(payload.toString()), batch);
        });
        await rig.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
        await eventually(async () => [d, e].every((api) => allSubscribed(api.output(), id)), Boolean, 20_000);

        e.child.kill('SIGKILL');
        await e.stopped;
        for (let batch = 0; batch < 16; batch++) await publish(batch);
        // The survivor has resumed the dead instance's sessions and holds each until it has been idle
        // for 2 s: freeze it there, bring the dead instance back, and let the survivor run again.
        await eventually(
          async () => d.output().includes(`adopted MQTT session twin-test-${id}-e`),
          Boolean,
          20_000,
        );
        d.child.kill('SIGSTOP');
        e = await startApiProcess(env('e'), portE);
        apis.push(e);
        await eventually(async () => allSubscribed(e.output(), id), Boolean, 20_000);
        d.child.kill('SIGCONT');

        for (let batch = 16; batch < 26; batch++) await publish(batch);
        // Every batch is answered as stored. A batch the survivor committed but could not acknowledge
        // before its instance took the session back is delivered again and answers as duplicates: its
        // first outcome went down with the survivor's connection.
        const answers = await eventually(
          async () => Array.from({ length: 26 }, (_, batch) => outcomes.byCorrelation.get(`b${batch}`)),
          (list) => list.every(Boolean),
          60_000,
        );
        for (const answer of answers) expect(answer.accepted + answer.duplicates).toBe(100);
        expect(await storedRowsOf(own.url!, CELL)).toEqual({ n: 2600, d: 2600 });
        await eventually(
          async () => (await apiCall(e.url, 'GET', `/cells/${CELL}`)).body.state?.seq,
          (seq) => seq === 2599,
          20_000,
        );
        const ends = await eventually(
          async () => [
            ...d.output().matchAll(new RegExp(`MQTT session twin-test-${id}-e[.0-9]*: ([a-z-]+) after`, 'g')),
          ],
          (found) => found.length === 4,
          20_000,
        );
        // At least one session was still held by the survivor when its instance came back.
        expect(ends.map((m) => m[1]).filter((end) => end !== 'drained').length).toBeGreaterThan(0);
        const metrics = await (await fetch(`${e.url}/metrics`)).text();
        expect(metrics).toContain('twin_bus_mqtt_sessions{kind="own"} 4');
      } finally {
        await own.drop();
      }
    }, 150_000);
  },
);
