import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { busTopics } from '@twin/contracts';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { afterListening } from './after-listening';
import { BusIntakeService } from './bus-intake.service';
import { BusMetrics } from './bus-metrics';
import { MqttSessionLeaseRepository } from './mqtt-session-lease.repository';
import { MqttSession, type MqttSessionOptions } from './mqtt-session';

/**
 * Lease ticks in a row this instance must have renewed all its own sessions before it adopts
 * another: after a database or broker outage every lease looks expired, and the peers get a tick to
 * renew theirs.
 */
const HEALTHY_TICKS_BEFORE_ADOPTING = 2;

/**
 * MQTT ingest: the instance's persistent sessions in the shared subscription (mqtt-session.ts,
 * MQTT_CONNECTIONS of them, since mqtt.js takes one message at a time per connection), and the
 * sessions of dead instances. Mosquitto keeps routing a share group's messages to a member whose
 * connection dropped but whose session persists, and queues them there. So each instance renews a
 * lease on each of its sessions (`mqtt_session_leases`); once one has lapsed for a lease TTL past
 * its expiry, a live instance adopts that session: it resumes it under the dead instance's client
 * id, takes it out of the share group, commits what was queued and disconnects. If the dead
 * instance comes back it takes its session over (the broker drops the adopter) and subscribes again.
 */
@Injectable()
export class MqttBusConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('bus-mqtt');
  private own: MqttSession[] = [];
  /** This instance's client ids: MQTT_CLIENT_ID, then `<id>.2` … (a `.` no configured id can hold). */
  private readonly ownClientIds: string[];
  /** Dead instances' sessions being drained, by client id; at most MQTT_CONNECTIONS at once. */
  private readonly adopted = new Map<string, MqttSession>();
  private leaseTimer: NodeJS.Timeout | null = null;
  private healthyTicks = 0;
  private ownLeasesWritten = false;
  private ticking = false;
  private stopping = false;
  private lastProblem = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: BusIntakeService,
    private readonly leases: MqttSessionLeaseRepository,
    private readonly metrics: BusMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const { mqttClientId, mqttConnections } = config.bus;
    this.ownClientIds = Array.from({ length: mqttConnections }, (_, k) =>
      k === 0 ? mqttClientId : `${mqttClientId}.${k + 1}`,
    );
  }

  onApplicationBootstrap(): void {
    const url = this.config.bus.mqttUrl;
    if (!url) return;
    afterListening(this.adapterHost, () => {
      if (this.stopping) return;
      this.own = this.ownClientIds.map(
        (clientId) => new MqttSession(this.sessionOptions(url, clientId), 'own'),
      );
      this.own.forEach((session) => session.start());
      this.metrics.trackMqttSessions(() => ({
        own: this.own.filter((session) => session.connected).length,
        adopted: this.adopted.size,
      }));
      void this.tick();
      this.leaseTimer = setInterval(() => void this.tick(), this.config.leaseTtlMs / 3);
    });
  }

  private sessionOptions(url: string, clientId: string): MqttSessionOptions {
    const bus = this.config.bus;
    return {
      url,
      clientId,
      subscription: `$share/${bus.mqttShareGroup}/${busTopics('mqtt', bus.topicPrefix).allSamples}`,
      // BUS_MAX_IN_FLIGHT is per instance: split between its sessions, one at least each.
      receiveMaximum: Math.max(1, Math.floor(bus.maxInFlight / bus.mqttConnections)),
      bus,
      intake: this.intake,
      metrics: this.metrics,
      logger: this.logger,
    };
  }

  /** Renews this instance's session leases and the adopted ones', and looks for lapsed ones to adopt. */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    const holder = this.config.instanceId;
    const ttlMs = this.config.leaseTtlMs;
    try {
      // Every own session gets its lease at start, before it has connected: if the instance dies
      // at once, its sessions still lapse and are drained. After that only sessions connected to the
      // broker are renewed: one cut off from it (while this instance still reaches the database)
      // lapses, and a peer that reaches the broker drains it.
      const connected = this.own.filter((session) => session.connected);
      await this.leases.holdOwn(
        this.ownLeasesWritten ? connected.map((session) => session.clientId) : this.ownClientIds,
        holder,
        ttlMs,
      );
      this.ownLeasesWritten = true;
      this.healthyTicks = connected.length === this.own.length ? this.healthyTicks + 1 : 0;
      for (const [clientId, session] of this.adopted) {
        if (await this.leases.extend(clientId, holder, ttlMs)) continue;
        this.logger.log(`MQTT session ${clientId} is held by its instance again: leaving it`);
        await session.stop();
      }
      const room = this.config.bus.mqttConnections - this.adopted.size;
      if (room > 0 && this.healthyTicks >= HEALTHY_TICKS_BEFORE_ADOPTING && !this.stopping) {
        const lapsed = await this.leases.adoptExpired(this.ownClientIds, holder, ttlMs, ttlMs, room);
        // Shut down meanwhile: the leases just taken lapse again and a peer adopts those sessions.
        if (!this.stopping) lapsed.forEach((clientId) => this.adopt(clientId));
      }
      this.lastProblem = '';
    } catch (error) {
      this.healthyTicks = 0;
      const problem = (error as Error).message;
      if (problem !== this.lastProblem) this.logger.warn(`MQTT session leases: ${problem}`);
      this.lastProblem = problem;
    } finally {
      this.ticking = false;
    }
  }

  private adopt(clientId: string): void {
    this.logger.log(`MQTT session ${clientId} has not been renewed by its instance: adopting it`);
    const session = new MqttSession(this.sessionOptions(this.config.bus.mqttUrl!, clientId), 'adopted');
    this.adopted.set(clientId, session);
    session.start();
    void session.ended.then(async (end) => {
      this.adopted.delete(clientId);
      this.metrics.adoptionEnded(end);
      this.logger.log(`MQTT session ${clientId}: ${end} after ${session.consumed} message(s)`);
      // Drained and out of the share group: nothing more arrives for it until its instance returns
      // and subscribes again. Otherwise the lease lapses and the session is adopted again later.
      if (end === 'drained') {
        await this.leases
          .release(clientId, this.config.instanceId)
          .catch((e: Error) => this.logger.warn(`release of ${clientId}: ${e.message}`));
      }
    });
  }

  /** Graceful shutdown: every session finishes the message in hand; the own leases are left to lapse. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await Promise.all([...this.adopted.values(), ...this.own].map((session) => session.stop()));
  }
}
