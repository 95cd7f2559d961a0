import pg from 'pg';
import { expect, it } from 'vitest';
import { apiCall } from './api-call';
import type { OutcomeLog } from './bus-test-kit';
import { samplesFrom } from './bus-test-kit';
import { ADMIN_TOKEN, connected, eventually, type TestApp } from './test-app';

/** What one bus spec gives the shared tests, read when each test runs (after its beforeAll). */
export interface BusUnderTest {
  t: TestApp;
  cellId: string;
  rigToken: string;
  outcomes: OutcomeLog;
  /** `correlationId` goes out as MQTT 5 correlation data / the NATS message id (`msgID`). */
  publish(cellId: string, body: unknown, correlationId?: string): Promise<unknown>;
}

/**
 * The part of the message-bus contract that is the same on MQTT and NATS: a non-JSON payload is
 * answered by field (the spec publishes one to the `probe` cell while it starts), and batches are
 * stored once, step the twin seen on /live and are answered on the acks channel; a resend changes
 * nothing.
 */
export function sharedBusIngestTests(bus: () => BusUnderTest): void {
  it('answers a payload that is not JSON with an error naming the payload', () => {
    expect(bus().outcomes.of('probe')[0]).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'invalid message',
        details: [{ field: 'payload', reason: 'not valid UTF-8 JSON' }],
      },
    });
  });

  it('stores batches exactly once, advances the twin seen on /live and answers each on the acks channel', async () => {
    const { t, cellId, rigToken, outcomes, publish } = bus();
    const live = t.socket('/live', ADMIN_TOKEN);
    await connected(live);
    expect((await live.emitWithAck('subscribe', { cellId })).ok).toBe(true);
    let lastSeq = -1;
    live.on('twin', (state: { seq: number }) => (lastSeq = Math.max(lastSeq, state.seq)));

    for (let batch = 0; batch < 4; batch++) {
      await publish(cellId, { token: rigToken, samples: samplesFrom(batch * 250, 250) });
    }
    const answers = await outcomes.waitFor(cellId, 4);
    expect(answers).toEqual(Array(4).fill({ accepted: 250, duplicates: 0, rejected: [] }));
    const stored = await t.allSamples(cellId);
    expect(stored.map((s) => s.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    await eventually(
      async () => lastSeq,
      (seq) => seq === 999,
    );

    // A gateway that lost its connection resends: the same seqs change nothing.
    await publish(cellId, { token: rigToken, samples: samplesFrom(250, 250) });
    expect((await outcomes.waitFor(cellId, 5))[4]).toEqual({ accepted: 0, duplicates: 250, rejected: [] });
    expect(await t.allSamples(cellId)).toHaveLength(1000);
    live.close();
  });

  it('answers a 50,000-deep sample and a 10,001-sample message by field, and stores nothing for them', async () => {
    const { t, cellId, rigToken, outcomes, publish } = bus();
    const storedBefore = (await t.allSamples(cellId)).length;
    const tag = `h${Date.now()}`;
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    await publish(cellId, `{"token":"${rigToken}","samples":[${deep}]}`, `${tag}-deep`);
    const many = samplesFrom(20_000, 10_001);
    await publish(cellId, { token: rigToken, samples: many }, `${tag}-many`);
    const [deepAnswer, manyAnswer] = await eventually(
      async () => [outcomes.byCorrelation.get(`${tag}-deep`), outcomes.byCorrelation.get(`${tag}-many`)],
      (both) => both.every(Boolean),
    );
    expect(deepAnswer).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [{ index: 0, field: 'sample', reason: 'must be an object' }],
    });
    expect(manyAnswer).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'invalid message',
        details: [{ field: 'samples', reason: 'at most 10000 samples per message' }],
      },
    });
    expect(await t.allSamples(cellId)).toHaveLength(storedBefore);
  });

  it("returns each batch's correlation id with its outcome, so outcomes arriving in any order can be matched", async () => {
    const { cellId, rigToken, outcomes, publish } = bus();
    const tag = `c${Date.now()}`;
    for (let k = 0; k < 8; k++) {
      const samples: Record<string, unknown>[] = samplesFrom(7000 + k * 10, 10);
      if (k === 5) samples[3] = { ...samples[3], voltageV: 12 };
      await publish(cellId, { token: rigToken, samples }, `${tag}-${k}`);
    }
    const answers = await eventually(
      async () => Array.from({ length: 8 }, (_, k) => outcomes.byCorrelation.get(`${tag}-${k}`)),
      (list) => list.every(Boolean),
    );
    answers.forEach((answer, k) =>
      expect(answer).toEqual(
        k === 5
          ? {
              accepted: 9,
              duplicates: 0,
              rejected: [{ index: 3, field: 'voltageV', reason: 'must be within 0–10 V' }],
            }
          : { accepted: 10, duplicates: 0, rejected: [] },
      ),
    );
  });
}

/**
 * After a restart with 26 batches of 100 published (some consumed before SIGTERM, the rest while
 * the service was down): every batch accepted exactly once, each row stored once, the twin at the
 * last sample. Delivery is at-least-once: an ack lost under load brings a batch back, and it then
 * answers as pure duplicates and stores nothing.
 */
export async function expectEveryBatchOnce(
  apiUrl: string,
  databaseUrl: string,
  outcomes: OutcomeLog,
  cellId: string,
): Promise<void> {
  const accepted = (list: any[]) => list.reduce((n, a) => n + (a.accepted ?? 0), 0);
  const answers = await eventually(
    async () => outcomes.of(cellId),
    (list) => list.length >= 26 && accepted(list) >= 2600,
    60_000,
  );
  expect(accepted(answers)).toBe(2600);
  expect(answers.filter((a) => a.accepted === 100)).toHaveLength(26);
  for (const a of answers)
    expect([a.accepted, a.duplicates]).toEqual(a.accepted === 100 ? [100, 0] : [0, 100]);
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const { rows } = await sql.query(
      'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, max(seq)::int AS hi FROM samples WHERE cell_id = $1',
      [cellId],
    );
    expect(rows[0]).toEqual({ n: 2600, d: 2600, hi: 2599 });
  } finally {
    await sql.end();
  }
  const state = await eventually(
    async () => (await apiCall(apiUrl, 'GET', `/cells/${cellId}`)).body.state as { seq: number } | null,
    (s) => s?.seq === 2599,
  );
  expect(state?.seq).toBe(2599);
}
