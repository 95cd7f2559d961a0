import { Module } from '@nestjs/common';
import { BusIntakeService } from './bus-intake.service';
import { BusMetrics } from './bus-metrics';
import { MqttBusConsumer } from './mqtt-bus.consumer';
import { MqttSessionLeaseRepository } from './mqtt-session-lease.repository';
import { NatsBusConsumer } from './nats-bus.consumer';

/**
 * Message-bus ingest (issue #10): rigs or their gateways publish sample batches to MQTT (QoS 1) or
 * NATS JetStream; each consumer acknowledges a message only after its batch is committed. A
 * consumer starts only when its URL (`MQTT_URL`, `NATS_URL`) is configured.
 */
@Module({
  providers: [BusMetrics, BusIntakeService, MqttSessionLeaseRepository, MqttBusConsumer, NatsBusConsumer],
})
export class BusModule {}
