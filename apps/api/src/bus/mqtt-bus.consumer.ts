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
 * Lease ticks in a row this instance must have renewed its own session before it adopts another:
 * after a database outage every lease looks expired, and the peers get a tick to renew theirs.
 */
const HEALTHY_TICKS_BEFORE_ADOPTING = 2;

/**
 * MQTT ingest: the instance's persistent session in the shared subscription (mqtt-session.ts), and
 * the sessions of dead instances. Mosquitto keeps routing a share group's messages to a member whose
 * connection dropped but whose session persists, and queues them there; so each instance renews a
 * lease on its session (`mqtt_session_leases`), and once one has lapsed for a lease TTL past its
 * expiry a live instance adopts that session: it resumes it under the dead instance's client id,
 * takes it out of the share group, commits what was queued and disconnects. If the dead instance
 * comes back it takes its session over (the broker disconnects the adopter) and subscribes again.
 */
@Injectable()
export class MqttBusConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('bus-mqtt');
  private own: MqttSession | null = null;
  private adopted: { session: MqttSession; clientId: string } | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private healthyTicks = 0;
  private ticking = false;
  private stopping = false;
  private lastProblem = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: BusIntakeService,
    private readonly leases: MqttSessionLeaseRepository,
    private readonly metrics: BusMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const url = this.config.bus.mqttUrl;
    if (!url) return;
    afterListening(this.adapterHost, () => {
      if (this.stopping) return;
      this.own = new MqttSession(this.sessionOptions(url, this.config.bus.mqttClientId), 'own');
      this.own.start();
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
      bus,
      intake: this.intake,
      logger: this.logger,
    };
  }

  /** Renews this instance's session lease, the adopted one's, and looks for a lapsed one to adopt. */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    const { mqttClientId } = this.config.bus;
    const holder = this.config.instanceId;
    const ttlMs = this.config.leaseTtlMs;
    try {
      await this.leases.holdOwn(mqttClientId, holder, ttlMs);
      this.healthyTicks += 1;
      if (this.adopted) {
        const { session, clientId } = this.adopted;
        if (!(await this.leases.extend(clientId, holder, ttlMs))) {
          this.logger.log(`MQTT session ${clientId} is held by its instance again: leaving it`);
          await session.stop();
        }
      } else if (this.healthyTicks >= HEALTHY_TICKS_BEFORE_ADOPTING && !this.stopping) {
        const clientId = await this.leases.adoptExpired(mqttClientId, holder, ttlMs, ttlMs);
        if (clientId) this.adopt(clientId);
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
    this.adopted = { session, clientId };
    session.start();
    void session.ended.then(async (end) => {
      this.adopted = null;
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

  /** Graceful shutdown: both sessions finish the message in hand; the own lease is left to lapse. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await Promise.all([this.adopted?.session.stop(), this.own?.stop()]);
  }
}
