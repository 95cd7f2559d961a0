import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { busTopics } from '@twin/contracts';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  headers,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
  type MsgHdrs,
  type NatsConnection,
  type NatsError,
} from 'nats';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { afterListening } from './after-listening';
import { BusIntakeService, type BusVerdict } from './bus-intake.service';
import { BusMetrics } from './bus-metrics';
import { retryDelayMs } from './retry-delay';

/** JetStream API error codes: stream / consumer not found. */
const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
/** The consumer's pending-ack cap is shared by every instance: room for this many at maxInFlight each. */
const INSTANCES_PLANNED = 8;
const MAX_MESSAGE_BYTES = 8_000_000;
/** JetStream's de-duplication id, set by the publisher (`msgID`); echoed on the outcome. */
const MSG_ID_HEADER = 'Nats-Msg-Id';
const SHUTDOWN_WAIT_MS = 10_000;

function notFound(error: unknown, code: number): boolean {
  return (error as NatsError | null)?.api_error?.err_code === code;
}

/**
 * NATS JetStream ingest: a file-backed work-queue stream on `<prefix>.cells.*.samples` and one
 * durable pull consumer that every instance shares, so each message is handled once and messages
 * published while the service is down wait in the stream. Explicit ack only after commit; `nak`
 * with back-off while the database is down; `term` for messages that can never be valid.
 */
@Injectable()
export class NatsBusConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('bus-nats');
  private connection: NatsConnection | null = null;
  private messages: ConsumerMessages | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  /**
   * How long JetStream waits for a delivered message's ack before it hands the message to another
   * instance: the cell lease's TTL, so the batches a dead instance had pulled come back when its
   * cells move. A live instance holds its messages longer with `working()`.
   */
  private readonly ackWaitMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: BusIntakeService,
    private readonly metrics: BusMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.ackWaitMs = config.leaseTtlMs;
  }

  onApplicationBootstrap(): void {
    const url = this.config.bus.natsUrl;
    if (!url) return;
    afterListening(this.adapterHost, () => {
      this.running = this.run(url).catch((error: Error) =>
        this.logger.error(`NATS ingest stopped: ${error.message}`),
      );
    });
  }

  /** Connects (waiting for the server if needed) and consumes until shutdown, re-subscribing after errors. */
  private async run(url: string): Promise<void> {
    const bus = this.config.bus;
    this.connection = await connect({
      servers: url,
      name: 'operando-twin',
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
    });
    this.logger.log(`connected to ${url}`);
    for (let failures = 0; !this.stopping;) {
      try {
        const jsm = await this.connection.jetstreamManager();
        await this.ensureStream(jsm);
        await this.ensureConsumer(jsm);
        const consumer = await this.connection.jetstream().consumers.get(bus.natsStream, bus.natsConsumer);
        if (this.stopping) return;
        this.messages = await consumer.consume({ max_messages: bus.maxInFlight });
        failures = 0;
        await this.drain(this.messages);
        if (!this.stopping) throw new Error('the consumer ended');
      } catch (error) {
        if (this.stopping) return;
        failures += 1;
        const delayMs = retryDelayMs(failures, bus.retryBaseMs, bus.retryMaxMs);
        this.logger.warn(
          `JetStream consumer failed (${(error as Error).message}); retrying in ${delayMs} ms`,
        );
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const { natsStream, topicPrefix } = this.config.bus;
    const subject = busTopics('nats', topicPrefix).allSamples;
    try {
      const info = await jsm.streams.info(natsStream);
      if (!info.config.subjects?.includes(subject)) {
        this.logger.warn(`stream ${natsStream} exists without subject ${subject}; leaving it as it is`);
      }
    } catch (error) {
      if (!notFound(error, STREAM_NOT_FOUND)) throw error;
      // Work-queue retention: a message leaves the stream once acked (or terminated), so the stream
      // holds exactly the backlog. File storage: it survives a NATS restart.
      await jsm.streams.add({
        name: natsStream,
        subjects: [subject],
        storage: StorageType.File,
        retention: RetentionPolicy.Workqueue,
        max_msg_size: MAX_MESSAGE_BYTES,
      });
      this.logger.log(`created stream ${natsStream} on ${subject}`);
    }
  }

  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    const { natsStream, natsConsumer, maxInFlight } = this.config.bus;
    try {
      const { config } = await jsm.consumers.info(natsStream, natsConsumer);
      if (config.ack_wait !== nanos(this.ackWaitMs)) await this.setAckWait(jsm, config.ack_wait);
    } catch (error) {
      if (!notFound(error, CONSUMER_NOT_FOUND)) throw error;
      await jsm.consumers.add(natsStream, {
        durable_name: natsConsumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(this.ackWaitMs),
        // Unlimited redelivery: only messages that could not be made durable are redelivered, and
        // those must not be lost however long the database is down.
        max_deliver: -1,
        max_ack_pending: maxInFlight * INSTANCES_PLANNED,
      });
      this.logger.log(`created durable consumer ${natsConsumer} on ${natsStream}`);
    }
  }

  /**
   * Consumers made by earlier versions waited 60 s; the last instance to start sets the wait for all.
   * A server that refuses the change leaves the old wait, which only delays redelivery.
   */
  private async setAckWait(jsm: JetStreamManager, currentNanos = 0): Promise<void> {
    const { natsStream, natsConsumer } = this.config.bus;
    try {
      await jsm.consumers.update(natsStream, natsConsumer, { ack_wait: nanos(this.ackWaitMs) });
      this.logger.log(`consumer ${natsConsumer}: ack wait set to ${this.ackWaitMs} ms`);
    } catch (error) {
      this.logger.warn(
        `consumer ${natsConsumer} keeps its ack wait of ${currentNanos / 1e6} ms: ${(error as Error).message}`,
      );
    }
  }

  /** Handles up to maxInFlight messages at once; the iterator only pulls what was asked for. */
  private async drain(messages: ConsumerMessages): Promise<void> {
    const max = this.config.bus.maxInFlight;
    for await (const msg of messages) {
      if (this.stopping) {
        // Pulled but not started: hand it straight back rather than make it wait for the ack timeout.
        msg.nak();
        continue;
      }
      while (this.inFlight.size >= max) await Promise.race(this.inFlight);
      const work = this.handle(msg).catch((error: Error) => {
        this.logger.warn(`message ${msg.seq} will be redelivered: ${error.message}`);
        msg.nak(this.nakDelayMs(msg));
      });
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    }
  }

  private nakDelayMs(msg: JsMsg): number {
    return retryDelayMs(msg.info.deliveryCount, this.config.bus.retryBaseMs, this.config.bus.retryMaxMs);
  }

  private async handle(msg: JsMsg): Promise<void> {
    if (msg.redelivered) this.metrics.redelivered('nats');
    // While the batch waits for the database, tell JetStream it is still being worked on: without it a
    // commit slower than the ack wait (a locked table, a hung server) hands the batch to another instance.
    const heartbeat = setInterval(() => msg.working(), this.ackWaitMs / 3);
    let verdict: BusVerdict;
    try {
      verdict = await this.intake.handle('nats', msg.subject, msg.data);
    } finally {
      clearInterval(heartbeat);
    }
    if (verdict.kind === 'retry') {
      msg.nak(this.nakDelayMs(msg));
      return;
    }
    if (verdict.acksFor !== null) {
      const acks = busTopics('nats', this.config.bus.topicPrefix).acks(verdict.acksFor);
      // The batch's JetStream message id, when it had one, comes back on its outcome: outcomes of
      // batches handled at once (here or by other instances) arrive in any order.
      const msgId = msg.headers?.get(MSG_ID_HEADER);
      let outcomeHeaders: MsgHdrs | undefined;
      if (msgId) (outcomeHeaders = headers()).set(MSG_ID_HEADER, msgId);
      this.connection?.publish(acks, JSON.stringify(verdict.outcome), { headers: outcomeHeaders });
    }
    if (verdict.kind === 'invalid') {
      // No reason text: servers before 2.10 do not recognise `+TERM <reason>` and leave the message pending.
      msg.term();
      return;
    }
    // Waits for the server to confirm the ack; if it is lost the message comes back and counts as duplicates.
    await msg.ackAck();
  }

  /** Graceful shutdown: stop pulling, let started messages commit and ack, then drain the connection. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.messages?.close();
    // Bounded: with the server unreachable, connect() is still waiting for it.
    await Promise.race([this.running, new Promise((r) => setTimeout(r, SHUTDOWN_WAIT_MS).unref())]);
    await Promise.allSettled([...this.inFlight]);
    if (this.connection && !this.connection.isClosed()) await this.connection.drain();
    this.connection = null;
  }
}
