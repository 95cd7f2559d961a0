import { AckPolicy, nanos } from 'nats';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall } from '../support/api-call';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { expectEveryBatchOnce } from '../support/bus-ingest-contract';
import { portOpen, runId, samplesFrom } from '../support/bus-test-kit';
import {
  deleteNatsStream,
  NATS_PORT,
  natsBusEnv,
  natsPublish,
  natsRig,
  untilNatsConsuming,
  type NatsRig,
} from '../support/nats-rig';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import { metricOf } from '../support/metrics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * JetStream hands a delivered message to another consumer once its ack wait passes, and the service
 * sets that wait to the cell lease's TTL (1.5 s here): the batches a killed instance had pulled come
 * back to the survivor about when the dead instance's cells move, not after a minute. A live instance
 * whose commit takes longer (a locked table) keeps its batches with `working()`, so they are neither
 * handed to another consumer nor handled twice.
 */
const serverUp = await portOpen(NATS_PORT);
const adminUrl = inject('pgAdminUrl');
if (!serverUp) console.warn(`\n[nats-instance-kill] no NATS server on 127.0.0.1:${NATS_PORT}: skipping.\n`);

const LEASE_TTL_MS = 1_500;
let db: TestDatabase;
const apis: ApiProcess[] = [];
const rigs: NatsRig[] = [];
const streams: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
});
afterAll(async () => {
  for (const api of apis) api.child.kill('SIGKILL');
  for (const rig of rigs) {
    for (const stream of streams) await deleteNatsStream(rig.nc, stream);
    await rig.nc.close();
  }
  await db?.drop();
});

const invalidNats = 'twin_bus_messages_total{bus="nats",outcome="invalid"}';
const natsRedeliveries = 'twin_bus_redeliveries_total{bus="nats"}';

async function startInstances(id: string, letters: string[]): Promise<ApiProcess[]> {
  const started: ApiProcess[] = [];
  for (const letter of letters) {
    const env = {
      DATABASE_URL: db.url!,
      ADMIN_TOKEN,
      INSTANCE_ID: `js-${letter}`,
      LEASE_TTL_MS: String(LEASE_TTL_MS),
      ...natsBusEnv(id),
    };
    const api = await startApiProcess(env, await freePort());
    apis.push(api);
    started.push(api);
  }
  streams.push(`TWIN_TEST_${id}`);
  return started;
}

const batchOf = (batch: number) => ({ token: ADMIN_TOKEN, samples: samplesFrom(batch * 100, 100) });

describe.skipIf(!serverUp || !adminUrl)('NATS JetStream consumers that die or stall', () => {
  it("gives a killed instance's pulled batches to the survivor within a few lease TTLs", async () => {
    const id = runId();
    const prefix = `t${id}`;
    const cell = 'jsk-1';
    const [a, b] = await startInstances(id, ['a', 'b']);
    expect((await apiCall(a.url, 'POST', '/cells', sampleCell(cell))).status).toBe(201);
    const rig = await natsRig(prefix);
    rigs.push(rig);
    await untilNatsConsuming(rig.js, prefix, rig.outcomes);
    // Both pull from the shared consumer: b has terminated one of these bad messages at least.
    await eventually(
      async () => {
        await natsPublish(rig.js, prefix, 'probe', 'not json');
        return metricOf(b.url, invalidNats);
      },
      (n) => n > 0,
      20_000,
    );

    // Frozen, b keeps its pull request open: the server delivers part of the stream to it, unacked.
    b.child.kill('SIGSTOP');
    for (let batch = 0; batch < 26; batch++)
      await natsPublish(rig.js, prefix, cell, batchOf(batch), `b${batch}`);
    b.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await b.stopped).toBeNull();

    await expectEveryBatchOnce(a.url, db.url!, rig.outcomes, cell);
    // With the old fixed ack wait of 60 s this took a minute.
    expect(Date.now() - killedAt).toBeLessThan(8 * LEASE_TTL_MS);
    expect(await metricOf(a.url, natsRedeliveries)).toBeGreaterThan(0);
    for (let batch = 0; batch < 26; batch++)
      expect(rig.outcomes.byCorrelation.get(`b${batch}`)).toMatchObject({ duplicates: 0 });
  }, 120_000);

  it('keeps a batch whose commit waits on a locked table longer than the ack wait, and handles it once', async () => {
    const id = runId();
    const prefix = `t${id}`;
    const cell = 'jsk-2';
    const [api] = await startInstances(id, ['c']);
    expect((await apiCall(api.url, 'POST', '/cells', sampleCell(cell))).status).toBe(201);
    const rig = await natsRig(prefix);
    rigs.push(rig);
    await untilNatsConsuming(rig.js, prefix, rig.outcomes);
    await natsPublish(rig.js, prefix, cell, batchOf(0));
    await rig.outcomes.waitFor(cell, 1);

    // A maintenance job holds the table: COPY waits, reads still go through.
    const locker = new pg.Client({ connectionString: db.url! });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE samples IN EXCLUSIVE MODE');
      for (let batch = 1; batch < 4; batch++) await natsPublish(rig.js, prefix, cell, batchOf(batch));
      await new Promise((r) => setTimeout(r, 4 * LEASE_TTL_MS));
      // Nothing is answered while nothing could be made durable.
      expect(rig.outcomes.of(cell)).toHaveLength(1);
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }

    await rig.outcomes.waitFor(cell, 4);
    // Redelivered copies would answer as duplicates a moment later: give them the time to.
    await new Promise((r) => setTimeout(r, 2 * LEASE_TTL_MS));
    expect(rig.outcomes.of(cell).map((o) => [o.accepted, o.duplicates])).toEqual([
      [100, 0],
      [100, 0],
      [100, 0],
      [100, 0],
    ]);
    expect(await metricOf(api.url, natsRedeliveries)).toBe(0);
  }, 60_000);

  it('sets the ack wait of a consumer an earlier version made with 60 s', async () => {
    const id = runId();
    const rig = await natsRig(`t${id}`);
    rigs.push(rig);
    streams.push(`TWIN_TEST_${id}`);
    const jsm = await rig.nc.jetstreamManager();
    await jsm.streams.add({ name: `TWIN_TEST_${id}`, subjects: [`t${id}.cells.*.samples`] });
    await jsm.consumers.add(`TWIN_TEST_${id}`, {
      durable_name: `twin-test-${id}`,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(60_000),
    });
    const [api] = await startInstances(id, ['d']);
    await eventually(
      async () => api.output(),
      (out) => out.includes(`consumer twin-test-${id}: ack wait set to ${LEASE_TTL_MS} ms`),
      20_000,
    );
    const { config } = await jsm.consumers.info(`TWIN_TEST_${id}`, `twin-test-${id}`);
    expect(config.ack_wait).toBe(nanos(LEASE_TTL_MS));
  }, 60_000);
});
