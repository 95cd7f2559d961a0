import { connect, type MqttClient } from 'mqtt';
import { untilNonePending, type IngestAck, type WireSample } from './rig-connection';

type Outcome = IngestAck | { error: { code: string; message: string } };

/** How long the broker keeps this gateway's session (its acks subscription and their queue) offline. */
const SESSION_EXPIRY_S = 3600;

/**
 * A rig gateway on the message bus (docs/deploy.md › Message-bus ingest): each batch is published
 * at QoS 1 to `<prefix>/cells/<cellId>/samples` with a correlation id, and stays pending until its
 * outcome, matched by that id, comes back on `<prefix>/cells/+/acks`. Outcomes arrive in the order
 * batches finish, not the order they were sent. mqtt.js resends a publish the broker has not
 * acknowledged after a reconnect; a batch the service could not commit yet waits with the broker,
 * so an outcome is final: an error means the batch can never be stored.
 */
export class MqttRigConnection {
  readonly client: MqttClient;
  private readonly pending = new Map<string, { cellId: string; samples: WireSample[] }>();
  private nextId = 0;
  onAck: (cellId: string, ack: IngestAck, batch: WireSample[]) => void = () => {};
  onError: (cellId: string, message: string) => void = () => {};

  constructor(
    url: string,
    private readonly token: string,
    private readonly topicPrefix: string,
    clientId: string,
  ) {
    this.client = connect(url, {
      protocolVersion: 5,
      clientId,
      clean: false,
      reconnectPeriod: 1000,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S },
    });
    this.client.on('connect', () => {
      void this.client.subscribeAsync(`${topicPrefix}/cells/+/acks`, { qos: 1 });
    });
    this.client.on('message', (_topic, payload, packet) => {
      const id = packet.properties?.correlationData?.toString();
      const batch = id === undefined ? undefined : this.pending.get(id);
      if (!id || !batch) return; // another gateway's outcome, or one already counted
      this.pending.delete(id);
      const outcome = JSON.parse(payload.toString()) as Outcome;
      if ('error' in outcome) this.onError(batch.cellId, `${outcome.error.code}: ${outcome.error.message}`);
      else this.onAck(batch.cellId, outcome, batch.samples);
    });
  }

  get pendingBatches(): number {
    return this.pending.size;
  }

  send(cellId: string, samples: WireSample[]): void {
    const id = `${process.pid}-${this.nextId++}`;
    this.pending.set(id, { cellId, samples });
    this.client.publish(
      `${this.topicPrefix}/cells/${cellId}/samples`,
      JSON.stringify({ token: this.token, samples }),
      { qos: 1, properties: { correlationData: Buffer.from(id) } },
    );
  }

  drain(timeoutMs: number): Promise<boolean> {
    return untilNonePending(() => this.pendingBatches, timeoutMs);
  }

  close(): void {
    this.client.end();
  }
}
