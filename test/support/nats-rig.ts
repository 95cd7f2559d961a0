import { connect, type JetStreamClient, type NatsConnection } from 'nats';
import { OutcomeLog } from './bus-test-kit';

export const NATS_PORT = 4222;
export const NATS_URL = `nats://127.0.0.1:${NATS_PORT}`;

/** The service's NATS settings for one run: its own subjects, stream and durable consumer. */
export function natsBusEnv(id: string): Record<string, string> {
  return {
    NATS_URL,
    BUS_TOPIC_PREFIX: `t${id}`,
    NATS_STREAM: `TWIN_TEST_${id}`,
    NATS_CONSUMER: `twin-test-${id}`,
  };
}

export interface NatsRig {
  nc: NatsConnection;
  js: JetStreamClient;
  outcomes: OutcomeLog;
}

/** A rig (or gateway): publishes through JetStream and collects the service's outcomes. */
export async function natsRig(prefix: string): Promise<NatsRig> {
  const nc = await connect({ servers: NATS_URL });
  const outcomes = new OutcomeLog();
  nc.subscribe(`${prefix}.cells.*.acks`, {
    callback: (error, msg) => {
      if (!error) outcomes.add(msg.subject.split('.')[2], msg.json(), msg.headers?.get('Nats-Msg-Id'));
    },
  });
  await nc.flush();
  return { nc, js: nc.jetstream(), outcomes };
}

export function natsPublish(
  js: JetStreamClient,
  prefix: string,
  cellId: string,
  body: unknown,
  correlationId?: string,
) {
  return js.publish(
    `${prefix}.cells.${cellId}.samples`,
    typeof body === 'string' ? body : JSON.stringify(body),
    correlationId ? { msgID: correlationId } : undefined,
  );
}

/** The service creates the stream after it starts listening; JetStream refuses publishes until then. */
export async function untilNatsConsuming(
  js: JetStreamClient,
  prefix: string,
  outcomes: OutcomeLog,
): Promise<void> {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      await natsPublish(js, prefix, 'probe', 'not json');
      break;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await outcomes.waitFor('probe', 1, 20_000);
}

export async function deleteNatsStream(nc: NatsConnection, stream: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(stream).catch(() => undefined);
}
