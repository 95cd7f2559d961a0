import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startApiProcess, type ApiProcess } from '../support/api-process';
import { apiCall } from '../support/api-call';
import { expectEveryBatchOnce, sharedBusIngestTests } from '../support/bus-ingest-contract';
import { OutcomeLog, portOpen, runId, samplesFrom } from '../support/bus-test-kit';
import {
  deleteNatsStream,
  NATS_PORT,
  NATS_URL,
  natsBusEnv,
  natsPublish,
  natsRig,
  untilNatsConsuming,
} from '../support/nats-rig';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * NATS JetStream ingest against the machine's nats-server and PostgreSQL: batches published to
 * `<prefix>.cells.<id>.samples` land in the work-queue stream, are stored once, reach the twin and
 * are answered on `….acks`; the stream empties (acked or terminated, nothing redelivered forever);
 * what is published while the service is down is consumed by the durable consumer when it is back.
 */
const serverUp = await portOpen(NATS_PORT);
const adminUrl = inject('pgAdminUrl');
if (!serverUp)
  console.warn(
    `\n[bus-nats] no NATS server on 127.0.0.1:${NATS_PORT}: skipping the JetStream ingest tests.\n`,
  );

describe.skipIf(!serverUp || !adminUrl)('NATS JetStream ingest (nats-server on 127.0.0.1:4222)', () => {
  let db: TestDatabase;
  let t: TestApp;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let outcomes: OutcomeLog;
  let rigToken: string;
  const id = runId();
  const prefix = `t${id}`;

  beforeAll(async () => {
    delete process.env.METRICS_TOKEN;
    db = await createTestDatabase(adminUrl);
    t = await startTestApp(db.url, natsBusEnv(id));
    for (const cell of ['js-1', 'js-2'])
      expect((await t.request('POST', '/cells', sampleCell(cell))).status).toBe(201);
    rigToken = (await t.request('POST', '/tokens', { role: 'rig', label: 'bus rig', cellIds: ['js-1'] })).body
      .token;
    ({ nc, js, outcomes } = await natsRig(prefix));
    await untilNatsConsuming(js, prefix, outcomes);
  });
  afterAll(async () => {
    await t?.close();
    if (nc) {
      await deleteNatsStream(nc, `TWIN_TEST_${id}`);
      await nc.close();
    }
    await db?.drop();
  });

  sharedBusIngestTests(() => ({
    t,
    cellId: 'js-1',
    rigToken,
    outcomes,
    publish: (cellId, body, correlationId) => natsPublish(js, prefix, cellId, body, correlationId),
  }));

  it('rejects bad samples one by one with field and reason and stores the valid rest', async () => {
    const before = outcomes.of('js-1').length;
    const [good] = samplesFrom(5000, 1);
    await natsPublish(js, prefix, 'js-1', {
      token: rigToken,
      samples: [good, { ...good, seq: 5001, currentA: 'x' }, { ...good, seq: -3 }],
    });
    const outcome = (await outcomes.waitFor('js-1', before + 1))[before];
    expect(outcome).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 1, field: 'currentA', reason: 'currentA must be a number' },
        { index: 2, field: 'seq', reason: 'must be ≥ 0' },
      ],
    });
  });

  it('terminates a message with a bad token, a viewer token, a foreign cell or no samples, saying why', async () => {
    const viewer = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v' })).body.token;
    const samples = samplesFrom(9000, 5);
    const before = outcomes.of('js-2').length;
    await natsPublish(js, prefix, 'js-2', { token: 'ot_rig_not-a-real-token', samples });
    await natsPublish(js, prefix, 'js-2', { token: viewer, samples });
    await natsPublish(js, prefix, 'js-2', { token: rigToken, samples });
    await natsPublish(js, prefix, 'js-2', { token: ADMIN_TOKEN, samples: 'all of them' });
    const answers = (await outcomes.waitFor('js-2', before + 4)).slice(before);
    // Up to BUS_MAX_IN_FLIGHT messages are handled at once, so outcomes may come in any order.
    const byCode = answers
      .map((a) => [a.error.code, a.error.details])
      .sort((x, y) => x[0].localeCompare(y[0]));
    expect(byCode).toEqual([
      ['FORBIDDEN', [{ field: 'cellId', reason: 'not allowed for this token' }]],
      ['FORBIDDEN', [{ field: 'cellId', reason: 'not allowed for this token' }]],
      ['UNAUTHORIZED', [{ field: 'token', reason: 'not a valid token' }]],
      ['VALIDATION_FAILED', [{ field: 'samples', reason: 'must be an array' }]],
    ]);
    expect(await t.allSamples('js-2')).toEqual([]);
    // Acked and terminated messages both leave the work queue: nothing waits to be redelivered.
    const jsm = await nc.jetstreamManager();
    const info = await eventually(
      () => jsm.consumers.info(`TWIN_TEST_${id}`, `twin-test-${id}`),
      (c) => c.num_ack_pending === 0 && c.num_pending === 0,
    );
    expect(info.num_redelivered).toBe(0);
    expect((await jsm.streams.info(`TWIN_TEST_${id}`)).state.messages).toBe(0);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/twin_bus_messages_total\{bus="nats",outcome="stored"\} [1-9]/);
    expect(metrics).toMatch(/twin_bus_messages_total\{bus="nats",outcome="invalid"\} [1-9]/);
  });
});

describe.skipIf(!serverUp || !adminUrl)(
  'NATS JetStream ingest across a service restart (durable consumer)',
  () => {
    let db: TestDatabase;
    let api: ApiProcess | null = null;
    const id = runId();

    beforeAll(async () => {
      db = await createTestDatabase(adminUrl);
    });
    afterAll(async () => {
      api?.child.kill('SIGKILL');
      const nc = await connect({ servers: NATS_URL });
      await deleteNatsStream(nc, `TWIN_TEST_${id}`);
      await nc.close();
      await db?.drop();
    });

    it('acks what it took before SIGTERM, consumes after start what was published meanwhile, each batch once', async () => {
      const prefix = `t${id}`;
      const env = { DATABASE_URL: db.url!, ADMIN_TOKEN, ...natsBusEnv(id) };
      const port = await freePort();
      api = await startApiProcess(env, port);
      expect((await apiCall(api.url, 'POST', '/cells', sampleCell('js-r'))).status).toBe(201);
      const { nc, js, outcomes } = await natsRig(prefix);
      try {
        await untilNatsConsuming(js, prefix, outcomes);
        // SIGTERM while a stream of batches is being consumed: what was taken commits and is acked,
        // the rest stays with the broker.
        for (let batch = 0; batch < 20; batch++) {
          await natsPublish(js, prefix, 'js-r', {
            token: ADMIN_TOKEN,
            samples: samplesFrom(batch * 100, 100),
          });
        }
        await outcomes.waitFor('js-r', 1);
        api.child.kill('SIGTERM');
        await api.stopped;

        // The stream keeps these; JetStream confirms each publish as stored.
        for (let batch = 20; batch < 26; batch++) {
          await natsPublish(js, prefix, 'js-r', {
            token: ADMIN_TOKEN,
            samples: samplesFrom(batch * 100, 100),
          });
        }
        api = await startApiProcess(env, port);
        await expectEveryBatchOnce(api.url, db.url!, outcomes, 'js-r');
      } finally {
        await nc.close();
      }
    }, 120_000);
  },
);
