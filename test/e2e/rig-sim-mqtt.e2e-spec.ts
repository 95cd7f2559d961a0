import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { storedSeqs } from '../support/api-call';
import { freePort, REPO_ROOT, startApiProcess } from '../support/api-process';
import { portOpen, runId } from '../support/bus-test-kit';
import { ADMIN_TOKEN, eventually } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

/**
 * The simulator as a gateway on the bus, as a user runs it: `rig-sim --mqtt` publishes its cells'
 * batches to Mosquitto, the service (MQTT_URL) commits them, and the simulator counts the outcomes
 * it matched by correlation id before it exits.
 */
const brokerUp = await portOpen(1883);
const adminUrl = inject('pgAdminUrl');
if (!brokerUp) console.warn('\n[rig-sim-mqtt] no MQTT broker on 127.0.0.1:1883: skipping.\n');

describe.skipIf(!brokerUp || !adminUrl)('rig-sim --mqtt (Mosquitto on 127.0.0.1:1883)', () => {
  it('streams simulated cells through the broker; every sample it counts as committed is stored', async () => {
    const id = runId();
    const prefix = `t${id}`;
    const db = await createTestDatabase(adminUrl);
    const service = await startApiProcess(
      {
        DATABASE_URL: db.url!,
        ADMIN_TOKEN,
        MQTT_URL: 'mqtt://127.0.0.1:1883',
        BUS_TOPIC_PREFIX: prefix,
        MQTT_CLIENT_ID: `twin-test-${id}`,
        MQTT_SHARE_GROUP: `g${id}`,
        MQTT_SESSION_EXPIRY_S: '300',
      },
      await freePort(),
    );
    try {
      await eventually(
        async () => service.output().split(`subscribed to $share/g${id}/`).length - 1,
        (n) => n >= 4,
        20_000,
      );
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          resolve(REPO_ROOT, 'dist', 'rig-sim.mjs'),
          ...['--url', service.url, '--token', ADMIN_TOKEN, '--create', '--cells', '2'],
          ...['--prefix', `sim${id}`, '--rate', '20', '--duration', '3', '--quiet'],
          ...['--mqtt', 'mqtt://127.0.0.1:1883', '--topic-prefix', prefix],
        ],
        { timeout: 60_000 },
      );
      const committed = Number(/stopped after (\d+) committed samples/.exec(stdout)?.[1]);
      expect(committed).toBeGreaterThanOrEqual(80);
      let stored = 0;
      for (const cell of [`sim${id}-001`, `sim${id}-002`]) {
        const seqs = await storedSeqs(service.url, cell);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
        stored += seqs.length;
      }
      expect(stored).toBe(committed);
    } finally {
      service.child.kill('SIGKILL');
      await service.stopped;
      await db.drop();
    }
  }, 90_000);
});
