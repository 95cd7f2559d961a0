import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { BusKind } from '@twin/contracts';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../ops/metrics.service';
import type { BusVerdict } from './bus-intake.service';
import type { AdoptionEnd } from './mqtt-session';

/** Bus counters on the instance's Prometheus registry, next to the HTTP and socket ingest ones. */
@Injectable()
export class BusMetrics implements OnModuleInit {
  private metrics: MetricsService | null = null;
  private messages: Counter<'bus' | 'outcome'> | null = null;
  private adoptions: Counter<'end'> | null = null;
  private redeliveries: Counter<'bus'> | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    // Looked up, not imported: importing OpsModule would put it deeper in Nest's module graph and
    // so move its shutdown step (stop accepting, report not ready) after the feature modules'.
    let metrics: MetricsService;
    try {
      metrics = this.moduleRef.get(MetricsService, { strict: false });
    } catch {
      return; // no ops module in this app: nothing to count into
    }
    this.metrics = metrics;
    this.messages = new Counter({
      name: 'twin_bus_messages_total',
      help: 'Bus messages consumed, by bus (mqtt, nats) and outcome (stored, invalid = dropped, retry = left unacked).',
      labelNames: ['bus', 'outcome'],
      registers: [metrics.registry],
    });
    this.redeliveries = new Counter({
      name: 'twin_bus_redeliveries_total',
      help: 'Bus messages the broker delivered again (an instance died or stalled holding them, or an ack was lost); each answers as duplicates if it was already stored.',
      labelNames: ['bus'],
      registers: [metrics.registry],
    });
    this.adoptions = new Counter({
      name: 'twin_bus_mqtt_adoptions_total',
      help: "Dead instances' MQTT sessions this instance adopted, by how it ended (drained, taken-over, handed-back, lost).",
      labelNames: ['end'],
      registers: [metrics.registry],
    });
  }

  /** `twin_bus_mqtt_sessions{kind}`: the instance's own MQTT sessions connected, and the adopted ones. */
  trackMqttSessions(read: () => { own: number; adopted: number }): void {
    if (!this.metrics) return;
    new Gauge({
      name: 'twin_bus_mqtt_sessions',
      help: "MQTT sessions connected: own (of MQTT_CONNECTIONS) and adopted (dead instances' being drained).",
      labelNames: ['kind'],
      registers: [this.metrics.registry],
      collect() {
        const now = read();
        this.set({ kind: 'own' }, now.own);
        this.set({ kind: 'adopted' }, now.adopted);
      },
    });
  }

  counted(bus: BusKind, verdict: BusVerdict): void {
    this.messages?.inc({ bus, outcome: verdict.kind });
    if (verdict.kind === 'stored') this.metrics?.rejectedSamples.inc(verdict.outcome.rejected.length);
  }

  redelivered(bus: BusKind): void {
    this.redeliveries?.inc({ bus });
  }

  adoptionEnded(end: AdoptionEnd): void {
    this.adoptions?.inc({ end });
  }
}
