import type { Logger } from '@nestjs/common';
import { busTopics } from '@twin/contracts';
import { connect, type IConnackPacket, type IDisconnectPacket, type MqttClient } from 'mqtt';
import type { BusConfig } from '../config/app-config';
import type { BusIntakeService, BusVerdict } from './bus-intake.service';
import type { BusMetrics } from './bus-metrics';
import { retryDelayMs } from './retry-delay';

/** MQTT 5 PUBACK reason codes for dropped messages, so the broker (and its log) records why. */
const PUBACK_NOT_AUTHORIZED = 0x87;
const PUBACK_PAYLOAD_FORMAT_INVALID = 0x99;
const PUBACK_IMPLEMENTATION_SPECIFIC = 0x83;
/**
 * DISCONNECT reason a broker may give a connection whose session another one with the same id took
 * (Mosquitto 2.0 just closes it: the adoption then ends as `lost`).
 */
const SESSION_TAKEN_OVER = 0x8e;
/** Same bound as a `/rigs` socket message: 10,000 samples fit with room to spare. */
const MAX_PACKET_BYTES = 8_000_000;
/** Tries inside one delivery before handing the message back to the broker; keeps a held PUBACK well under the keepalive. */
const ATTEMPTS_PER_DELIVERY = 4;
/** Cap of each wait inside one delivery: three of them stay well inside 1.5 × keepalive. */
const IN_DELIVERY_WAIT_MAX_MS = 10_000;
const KEEPALIVE_S = 60;
const END_TIMEOUT_MS = 5_000;
/**
 * An adopted session counts as drained after this long with nothing delivered: the broker sends a
 * queued message as soon as the in-flight window has room, so a pause this long means none is left.
 */
const ADOPTED_IDLE_MS = 2_000;

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

/** How an adopted session's connection ended. */
export type AdoptionEnd =
  /** Everything queued was committed and acknowledged; the session is out of the share group. */
  | 'drained'
  /** Its own instance came back and took the session over, and the broker said so. */
  | 'taken-over'
  /** A message could not be made durable (database down): it waits in the session for the next try. */
  | 'handed-back'
  /** The connection failed or closed before the session was drained. */
  | 'lost';

export interface MqttSessionOptions {
  url: string;
  clientId: string;
  /** `$share/<group>/<prefix>/cells/+/samples`. */
  subscription: string;
  /** Unacknowledged messages the broker may send this connection (MQTT 5 receive maximum). */
  receiveMaximum: number;
  bus: BusConfig;
  intake: BusIntakeService;
  metrics: BusMetrics;
  logger: Logger;
}

/**
 * One persistent MQTT 5 session (stable client id, clean start off, session expiry) in the QoS 1
 * shared subscription. The PUBACK is held (mqtt.js `customHandleAcks`) until the batch is committed;
 * mqtt.js handles one message at a time per connection, and the broker sends at most the receive
 * maximum of unacknowledged ones, which bounds memory.
 *
 * `own`: the instance's session, subscribed on every connect and reconnected after any loss.
 * `adopted`: a dead instance's session, resumed to consume what the broker queued for it. It leaves
 * the share group at once (so new messages go to live members), drains, and disconnects keeping the
 * session; it never reconnects, so its instance, on return, takes the session back for good.
 */
export class MqttSession {
  private client: MqttClient | null = null;
  private stopping = false;
  /** Set once a message had to be handed back: later ones on this connection follow it unprocessed. */
  private handingBack = false;
  private current: Promise<void> = Promise.resolve();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private handBacks = 0;
  private inHand = 0;
  private lastDeliveryMs = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  private endAdoption: (end: AdoptionEnd) => void = () => undefined;
  /** Adopted sessions: how the connection ended. */
  readonly ended: Promise<AdoptionEnd>;
  /** Messages consumed on this connection (committed or dropped with an outcome). */
  consumed = 0;

  constructor(
    private readonly options: MqttSessionOptions,
    private readonly mode: 'own' | 'adopted',
  ) {
    this.ended = new Promise((resolve) => (this.endAdoption = resolve));
  }

  get clientId(): string {
    return this.options.clientId;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const { url, clientId, bus, logger } = this.options;
    const adopted = this.mode === 'adopted';
    const client = connect(url, {
      protocolVersion: 5,
      clientId,
      clean: false,
      keepalive: KEEPALIVE_S,
      reconnectPeriod: adopted ? 0 : 1_000,
      // mqtt.js skips a SUBSCRIBE it has sent on an earlier connection when the session is resumed;
      // but a peer may have taken this session out of the share group meanwhile (adoption), so every
      // connect must really subscribe (onOwnConnect).
      resubscribe: false,
      properties: {
        // MQTT 5 ends a session at disconnect unless it has an expiry: this is what keeps messages
        // published while the service is down.
        sessionExpiryInterval: bus.mqttSessionExpirySeconds,
        receiveMaximum: Math.min(this.options.receiveMaximum, 65_535),
        maximumPacketSize: MAX_PACKET_BYTES,
      },
      customHandleAcks: (topic, payload, packet, done) => {
        if (packet.dup) this.options.metrics.redelivered('mqtt');
        this.onPublish(topic, payload, packet.properties?.correlationData, done);
      },
    });
    // QoS 0 deliveries have no PUBACK to hold; they still go through the same intake, one at a time.
    client.handleMessage = (packet, callback) => {
      if (packet.qos !== 0 || this.stopping) return callback();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      void this.consume(packet.topic, payload, 1, packet.properties?.correlationData).then(
        () => callback(),
        () => callback(),
      );
    };
    client.on('connect', (connack) =>
      adopted ? this.onAdoptedConnect(connack) : this.onOwnConnect(connack),
    );
    client.on('disconnect', (packet: IDisconnectPacket) => {
      if (adopted && packet.reasonCode === SESSION_TAKEN_OVER) this.finish('taken-over');
    });
    client.on('close', () => {
      if (adopted) this.finish('lost');
    });
    client.on('error', (error) => {
      if (error instanceof LeftWithBroker) return;
      logger.warn(`mqtt ${clientId}: ${error.message}`);
    });
    this.client = client;
  }

  private onOwnConnect(connack: IConnackPacket): void {
    const { url, clientId, subscription, logger } = this.options;
    this.handingBack = false;
    logger.log(`connected to ${url} as ${clientId} (session ${connack.sessionPresent ? 'resumed' : 'new'})`);
    // A resumed session keeps its subscription; subscribing again is harmless, covers a broker that
    // lost its state, and rejoins the share group a peer took this session out of while it drained it.
    this.client!.subscribe(subscription, { qos: 1 }, (error, granted) => {
      if (error) logger.warn(`subscribe ${subscription} failed: ${error.message}`);
      else if (granted?.some((g) => g.qos > 2)) logger.warn(`broker refused ${subscription}`);
      else logger.log(`subscribed to ${subscription}`);
    });
  }

  private onAdoptedConnect(connack: IConnackPacket): void {
    const { clientId, subscription, logger } = this.options;
    if (!connack.sessionPresent) {
      // The broker had no such session (expired, or never made): nothing waits in it.
      logger.log(`MQTT session ${clientId} is gone from the broker: nothing to drain`);
      this.finish('drained', { sessionExpiryInterval: 0 });
      return;
    }
    logger.log(`adopted MQTT session ${clientId}: leaving the share group for it and draining its queue`);
    this.lastDeliveryMs = Date.now();
    this.client!.unsubscribe(subscription, (error) => {
      if (error) {
        logger.warn(`unsubscribe ${subscription} for ${clientId} failed: ${error.message}`);
        return this.finish('lost');
      }
      this.idleTimer = setInterval(() => {
        if (this.inHand === 0 && Date.now() - this.lastDeliveryMs >= ADOPTED_IDLE_MS) this.finish('drained');
      }, ADOPTED_IDLE_MS / 4);
    });
  }

  /** mqtt.js waits for `done` before the PUBACK and before the next message of this connection. */
  private onPublish(
    topic: string,
    payload: Buffer,
    correlationData: Buffer | undefined,
    done: (error: Error | number, reasonCode?: number) => void,
  ): void {
    if (this.stopping || this.handingBack) {
      done(new LeftWithBroker(this.stopping ? 'shutting down' : 'an earlier message is being retried'));
      return;
    }
    this.inHand += 1;
    this.lastDeliveryMs = Date.now();
    const settle = () => {
      this.inHand -= 1;
      this.lastDeliveryMs = Date.now();
    };
    const work = this.consume(topic, payload, ATTEMPTS_PER_DELIVERY, correlationData).then((verdict) => {
      settle();
      if (verdict.kind !== 'retry') {
        this.handBacks = 0;
        this.consumed += 1;
        return done(pubackCode(verdict));
      }
      // Still not durable: no PUBACK. The broker redelivers unacknowledged messages only on a new
      // connection, so reconnect after a back-off (the session, and so the message, stays).
      done(new LeftWithBroker(verdict.reason));
      this.handBack(verdict.reason);
    });
    this.current = work.catch((error: Error) => {
      settle();
      done(new LeftWithBroker(error.message));
      this.handBack(error.message);
    });
  }

  /**
   * Runs the intake, retrying transient failures with back-off, and publishes the outcome, with the
   * batch's MQTT 5 correlation data when it had some: a gateway with several batches in flight, taken
   * by different sessions or instances, gets their outcomes in any order and matches them by it.
   */
  private async consume(
    topic: string,
    payload: Buffer,
    attempts: number,
    correlationData?: Buffer,
  ): Promise<BusVerdict> {
    const { bus, intake, logger } = this.options;
    let verdict: BusVerdict = { kind: 'retry', reason: 'not tried' };
    for (let attempt = 1; attempt <= attempts && !this.stopping; attempt++) {
      verdict = await intake.handle('mqtt', topic, payload);
      if (verdict.kind !== 'retry') break;
      if (attempt < attempts && !this.stopping) {
        const waitMs = retryDelayMs(
          attempt,
          bus.retryBaseMs,
          Math.min(bus.retryMaxMs, IN_DELIVERY_WAIT_MAX_MS),
        );
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
    if (verdict.kind !== 'retry' && verdict.acksFor !== null && this.client) {
      const acks = busTopics('mqtt', bus.topicPrefix).acks(verdict.acksFor);
      // Not awaited: its PUBACK arrives on this same connection, which waits for this message first.
      const properties = correlationData ? { correlationData } : undefined;
      this.client.publish(acks, JSON.stringify(verdict.outcome), { qos: 1, properties }, (error) => {
        if (error) logger.warn(`outcome on ${acks} not published: ${error.message}`);
      });
    }
    return verdict;
  }

  private handBack(reason: string): void {
    if (this.handingBack || this.stopping) return;
    this.handingBack = true;
    if (this.mode === 'adopted') {
      // The message stays in the session; the lease lapses and an instance adopts it again later.
      this.options.logger.warn(
        `batch not durable (${reason}); leaving ${this.options.clientId} for a later try`,
      );
      this.finish('handed-back');
      return;
    }
    this.handBacks += 1;
    const { retryBaseMs, retryMaxMs } = this.options.bus;
    const delayMs = retryDelayMs(this.handBacks, retryBaseMs, retryMaxMs);
    this.options.logger.warn(`batch not durable (${reason}); reconnecting in ${delayMs} ms for redelivery`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // Fresh stores: ending the connection closes the old ones (reusing them crashes mqtt.js).
      if (!this.stopping) this.client?.reconnect();
    }, delayMs);
  }

  /** Ends an adopted session's connection once; a drained one disconnects cleanly, keeping the session. */
  private finish(end: AdoptionEnd, disconnect?: IDisconnectPacket['properties']): void {
    if (this.mode !== 'adopted' || this.stopping) return;
    this.stopping = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    const client = this.client;
    const closed =
      end === 'drained' && client?.connected
        ? client.endAsync(false, disconnect ? { properties: disconnect } : undefined)
        : client?.endAsync(true);
    void Promise.resolve(closed)
      .catch(() => undefined)
      .then(() => this.endAdoption(end));
  }

  /** Graceful shutdown: take no new message, finish (commit, ack) the current one, then disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.idleTimer) clearInterval(this.idleTimer);
    const client = this.client;
    if (client) {
      await this.current;
      // A clean DISCONNECT flushes the outcomes still in flight; the session stays (expiry interval).
      await Promise.race([client.endAsync(false), new Promise((r) => setTimeout(r, END_TIMEOUT_MS).unref())]);
      if (!client.disconnected) await client.endAsync(true);
    }
    this.endAdoption('lost');
  }
}
