import { connectAsync as connectMqtt } from 'mqtt';
import { connect as connectNats } from 'nats';

/**
 * A rig gateway on a broker, as `bench:bus` drives it: publishes a cell's batch (resolving once the
 * broker has it) and hands every outcome that comes back on the acks channel to `onOutcome`.
 */
export interface BusGateway {
  publish(cellId: string, body: string): Promise<unknown>;
  close(): Promise<void>;
}

export type OnOutcome = (cellId: string, outcome: { accepted?: number }) => void;

/** MQTT 5, QoS 1 both ways, topics `<prefix>/cells/<cellId>/samples` and `…/acks`. */
export async function mqttGateway(url: string, prefix: string, onOutcome: OnOutcome): Promise<BusGateway> {
  const client = await connectMqtt(url, {
    protocolVersion: 5,
    clientId: `gw-${prefix}`,
    clean: true,
  });
  client.on('message', (topic, payload) => onOutcome(topic.split('/')[2], JSON.parse(payload.toString())));
  await client.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
  return {
    publish: (cellId, body) => client.publishAsync(`${prefix}/cells/${cellId}/samples`, body, { qos: 1 }),
    close: () => client.endAsync(),
  };
}

/** JetStream publishes to `<prefix>.cells.<cellId>.samples`, outcomes on core NATS `….acks`. */
export async function natsGateway(url: string, prefix: string, onOutcome: OnOutcome): Promise<BusGateway> {
  const nc = await connectNats({ servers: url });
  nc.subscribe(`${prefix}.cells.*.acks`, {
    callback: (error, msg) => {
      if (!error) onOutcome(msg.subject.split('.')[2], msg.json());
    },
  });
  await nc.flush();
  const js = nc.jetstream();
  return {
    publish: (cellId, body) => js.publish(`${prefix}.cells.${cellId}.samples`, body),
    close: () => nc.close(),
  };
}

/** Removes the stream a NATS run made, so runs leave nothing behind on the server. */
export async function deleteNatsStream(url: string, stream: string): Promise<void> {
  const nc = await connectNats({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
