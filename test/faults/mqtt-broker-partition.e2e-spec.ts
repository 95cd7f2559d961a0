import { connect, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { apiCall } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { OutcomeLog, portOpen, runId } from '../support/bus-test-kit';
import { startFailoverProxy, type FailoverProxy } from '../support/failover-proxy';
import { eventually, sampleCell } from '../support/test-app';
import { mqttInstanceEnv, publishBatch, storedRowsOf } from '../support/mqtt-instances';
import { metricOf } from '../support/metrics';
import { createTestDatabase } from '../support/test-database';

/**
 * One of two instances loses the MQTT broker (its connections go through a TCP forwarder that is
 * pointed at a closed port) while it still reaches the database. Its sessions stay in the share
 * group at the broker, which queues their share of the messages: the instance must stop renewing
 * their leases, the other instance must drain them, and once the broker is reachable again the
 * cut-off instance must take its sessions back.
 */
const brokerUp = await portOpen(1883);
const adminUrl = inject('pgAdminUrl');
if (!brokerUp) console.warn('\n[mqtt-broker-partition] no MQTT broker on 127.0.0.1:1883: skipping.\n');

const CELL = 'mqp-1';
const apis: ApiProcess[] = [];
let rig: MqttClient | null = null;
let proxy: FailoverProxy | null = null;

afterAll(async () => {
  for (const api of apis) api.child.kill('SIGKILL');
  await rig?.endAsync();
  await proxy?.close();
});

const subscriptions = (out: string, id: string) => out.split(`subscribed to $share/g${id}/`).length - 1;

const storedMqttMessages = (url: string) =>
  metricOf(url, 'twin_bus_messages_total{bus="mqtt",outcome="stored"}');

describe.skipIf(!brokerUp || !adminUrl)('an instance cut off from the MQTT broker', () => {
  it('has its sessions drained by the other instance, and takes them back when the broker returns', async () => {
    const db = await createTestDatabase(adminUrl);
    const id = runId();
    const prefix = `t${id}`;
    proxy = await startFailoverProxy(1883);
    const viaProxy = `mqtt://127.0.0.1:${new URL(proxy.url).port}`;
    const env = (instance: string, mqttUrl: string) =>
      mqttInstanceEnv({ databaseUrl: db.url!, runId: id, instance, mqttUrl });
    const outcomes = new OutcomeLog();
    const publish = (batch: number) => publishBatch(rig!, id, CELL, batch);
    const answered = (from: number, to: number) =>
      eventually(
        async () => Array.from({ length: to - from }, (_, k) => outcomes.byCorrelation.get(`b${from + k}`)),
        (list) => list.every(Boolean),
        30_000,
      );
    try {
      const a = await startApiProcess(env('a', 'mqtt://127.0.0.1:1883'), await freePort());
      apis.push(a);
      const b = await startApiProcess(env('b', viaProxy), await freePort());
      apis.push(b);
      expect((await apiCall(a.url, 'POST', '/cells', sampleCell(CELL))).status).toBe(201);
      rig = connect('mqtt://127.0.0.1:1883', { protocolVersion: 5, clientId: `rig-${id}`, clean: true });
      rig.on('message', (topic, payload, packet) => {
        const batch = packet.properties?.correlationData?.toString();
        outcomes.add(topic.split('/')[2], JSON.parse(payload.toString()), batch);
      });
      await rig.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
      await eventually(
        async () => [a, b].every((api) => subscriptions(api.output(), id) >= 4),
        Boolean,
        20_000,
      );

      // Cut b off the broker; it keeps the database. Half of what follows goes to b's sessions.
      proxy.switchTo(await freePort());
      for (let batch = 0; batch < 20; batch++) await publish(batch);
      const cutOff = await answered(0, 20);
      for (const answer of cutOff) expect(answer.accepted).toBe(100);
      expect(a.output()).toContain(`adopted MQTT session twin-test-${id}-b`);
      const storedByB = await storedMqttMessages(b.url);

      // The broker is back for b: it resumes its sessions, subscribes again and takes its share.
      proxy.switchTo(1883);
      await eventually(
        async () => subscriptions(b.output(), id),
        (n) => n >= 8,
        20_000,
      );
      for (let batch = 20; batch < 30; batch++) await publish(batch);
      for (const answer of await answered(20, 30)) expect(answer.accepted).toBe(100);
      expect(await storedMqttMessages(b.url)).toBeGreaterThan(storedByB);
      const metrics = await (await fetch(`${b.url}/metrics`)).text();
      expect(metrics).toContain('twin_bus_mqtt_sessions{kind="own"} 4');

      expect(await storedRowsOf(db.url!, CELL)).toEqual({ n: 3000, d: 3000 });
    } finally {
      for (const api of apis.splice(0)) {
        api.child.kill('SIGKILL');
        await api.stopped;
      }
      await db.drop();
    }
  }, 120_000);
});
