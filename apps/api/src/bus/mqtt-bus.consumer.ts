import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { busTopics } from '@twin/contracts';
import { connect, type MqttClient } from 'mqtt';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { afterListening } from './after-listening';
import { BusIntakeService, type BusVerdict } from './bus-intake.service';
import { retryDelayMs } from './retry-delay';

/** MQTT 5 PUBACK reason codes for dropped messages, so the broker (and its log) records why. */
const PUBACK_NOT_AUTHORIZED = 0x87;
const PUBACK_PAYLOAD_FORMAT_INVALID = 0x99;
const PUBACK_IMPLEMENTATION_SPECIFIC = 0x83;
/** Same bound as a `/rigs` socket message: 10,000 samples fit with room to spare. */
const MAX_PACKET_BYTES = 8_000_000;
/** Tries inside one delivery before handing the message back to the broker; keeps a held PUBACK well under the keepalive. */
const ATTEMPTS_PER_DELIVERY = 4;
/** Cap of each wait inside one delivery: three of them stay well inside 1.5 × keepalive. */
const IN_DELIVERY_WAIT_MAX_MS = 10_000;
const KEEPALIVE_S = 60;
const END_TIMEOUT_MS = 5_000;

/** Thrown into mqtt.js so it sends no PUBACK: the broker keeps the message for this session. */
class LeftWithBroker extends Error {
  constructor(reason: string) {
    super(`message left unacknowledged with the broker: ${reason}`);
    this.name = 'LeftWithBroker';
  }
}

function pubackCode(verdict: Exclude<BusVerdict, { kind: 'retry' }>): number {
  if (verdict.kind === 'stored') return 0;
  const code = verdict.outcome.error.code;
  if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') return PUBACK_NOT_AUTHORIZED;
  if (code === 'VALIDATION_FAILED' || code === 'PAYLOAD_TOO_LARGE') return PUBACK_PAYLOAD_FORMAT_INVALID;
  return PUBACK_IMPLEMENTATION_SPECIFIC;
}

/**
 * MQTT ingest: a persistent MQTT 5 session (stable client id, clean start off, session expiry) with
 * a QoS 1 shared subscription, so instances split the messages and a stopped instance finds what
 * was published meanwhile. The PUBACK is held (mqtt.js `customHandleAcks`) until the batch is
 * committed; mqtt.js handles one message at a time, and the broker sends at most `maxInFlight`
 * unacknowledged ones (receive maximum), which bounds memory.
 */
@Injectable()
export class MqttBusConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('bus-mqtt');
  private client: MqttClient | null = null;
  private stopping = false;
  /** Set once a message had to be handed back: later ones on this connection follow it unprocessed. */
  private handingBack = false;
  private current: Promise<void> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private handBacks = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: BusIntakeService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.bus.mqttUrl) return;
    afterListening(this.adapterHost, () => this.start(this.config.bus.mqttUrl!));
  }

  private start(url: string): void {
    if (this.stopping) return;
    const bus = this.config.bus;
    const topics = busTopics('mqtt', bus.topicPrefix);
    const subscription = `$share/${bus.mqttShareGroup}/${topics.allSamples}`;
    const client = connect(url, {
      protocolVersion: 5,
      clientId: bus.mqttClientId,
      clean: false,
      keepalive: KEEPALIVE_S,
      reconnectPeriod: 1_000,
      properties: {
        // MQTT 5 ends a session at disconnect unless it has an expiry: this is what keeps messages
        // published while the service is down.
        sessionExpiryInterval: bus.mqttSessionExpirySeconds,
        receiveMaximum: Math.min(bus.maxInFlight, 65_535),
        maximumPacketSize: MAX_PACKET_BYTES,
      },
      customHandleAcks: (topic, payload, packet, done) => this.onPublish(topic, payload, done),
    });
    // QoS 0 deliveries have no PUBACK to hold; they still go through the same intake, one at a time.
    client.handleMessage = (packet, callback) => {
      if (packet.qos !== 0 || this.stopping) return callback();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      void this.consume(packet.topic, payload, 1).then(
        () => callback(),
        () => callback(),
      );
    };
    client.on('connect', (connack) => {
      this.handingBack = false;
      this.logger.log(
        `connected to ${url} as ${bus.mqttClientId} (session ${connack.sessionPresent ? 'resumed' : 'new'})`,
      );
      // A resumed session keeps its subscription; subscribing again is harmless and covers a broker
      // that lost its state.
      client.subscribe(subscription, { qos: 1 }, (error, granted) => {
        if (error) this.logger.warn(`subscribe ${subscription} failed: ${error.message}`);
        else if (granted?.some((g) => g.qos > 2)) this.logger.warn(`broker refused ${subscription}`);
      });
    });
    client.on('error', (error) => {
      if (error instanceof LeftWithBroker) return;
      this.logger.warn(`mqtt: ${error.message}`);
    });
    this.client = client;
  }

  /** mqtt.js waits for `done` before the PUBACK and before the next message of this connection. */
  private onPublish(
    topic: string,
    payload: Buffer,
    done: (error: Error | number, reasonCode?: number) => void,
  ): void {
    if (this.stopping || this.handingBack) {
      done(new LeftWithBroker(this.stopping ? 'shutting down' : 'an earlier message is being retried'));
      return;
    }
    const work = this.consume(topic, payload, ATTEMPTS_PER_DELIVERY).then((verdict) => {
      if (verdict.kind !== 'retry') {
        this.handBacks = 0;
        return done(pubackCode(verdict));
      }
      // Still not durable: no PUBACK. The broker redelivers unacknowledged messages only on a new
      // connection, so reconnect after a back-off (the session, and so the message, stays).
      done(new LeftWithBroker(verdict.reason));
      this.handBack(verdict.reason);
    });
    this.current = work.catch((error: Error) => {
      done(new LeftWithBroker(error.message));
      this.handBack(error.message);
    });
  }

  /** Runs the intake, retrying transient failures with back-off, and publishes the outcome. */
  private async consume(topic: string, payload: Buffer, attempts: number): Promise<BusVerdict> {
    let verdict: BusVerdict = { kind: 'retry', reason: 'not tried' };
    for (let attempt = 1; attempt <= attempts && !this.stopping; attempt++) {
      verdict = await this.intake.handle('mqtt', topic, payload);
      if (verdict.kind !== 'retry') break;
      if (attempt < attempts && !this.stopping) {
        const { retryBaseMs, retryMaxMs } = this.config.bus;
        const waitMs = retryDelayMs(attempt, retryBaseMs, Math.min(retryMaxMs, IN_DELIVERY_WAIT_MAX_MS));
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
    if (verdict.kind !== 'retry' && verdict.acksFor !== null && this.client) {
      const acks = busTopics('mqtt', this.config.bus.topicPrefix).acks(verdict.acksFor);
      // Not awaited: its PUBACK arrives on this same connection, which waits for this message first.
      this.client.publish(acks, JSON.stringify(verdict.outcome), { qos: 1 }, (error) => {
        if (error) this.logger.warn(`outcome on ${acks} not published: ${error.message}`);
      });
    }
    return verdict;
  }

  private handBack(reason: string): void {
    if (this.handingBack || this.stopping) return;
    this.handingBack = true;
    this.handBacks += 1;
    const delayMs = retryDelayMs(this.handBacks, this.config.bus.retryBaseMs, this.config.bus.retryMaxMs);
    this.logger.warn(`batch not durable (${reason}); reconnecting in ${delayMs} ms for redelivery`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // Fresh stores: ending the connection closes the old ones (reusing them crashes mqtt.js).
      if (!this.stopping) this.client?.reconnect();
    }, delayMs);
  }

  /** Graceful shutdown: take no new message, finish (commit, ack) the current one, then disconnect. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    if (!client) return;
    await this.current;
    // A clean DISCONNECT flushes the outcomes still in flight; the session stays (expiry interval).
    await Promise.race([client.endAsync(false), new Promise((r) => setTimeout(r, END_TIMEOUT_MS).unref())]);
    if (!client.disconnected) await client.endAsync(true);
  }
}
