/**
 * npm run bench:bus — MQTT ingest through the running service. A gateway publishes MESSAGES batches
 * of BATCH samples, round robin over CELLS cells, at QoS 1 with up to AWAITING_OUTCOME unanswered; the
 * bench times until every batch's outcome is back on the acks topics, and takes each batch's
 * publish → outcome time. Once per BENCH_MQTT_CONNECTIONS value (MQTT sessions per instance,
 * default "1,4"), each on a fresh database and share group in the same run, printed against the
 * first. Needs the broker on 127.0.0.1:1883 (BENCH_MQTT_URL).
 *
 * BENCH_CELLS (50), BENCH_MESSAGES (3000), BENCH_BATCH (100), BENCH_MQTT_CONNECTIONS ("1,4").
 */
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { benchPostgresDescription, benchPostgresUrl } from './support/bench-postgres';
import { BENCH_TOKEN, createCells, percentile, startBenchService } from './support/bench-service';

const MQTT_URL = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const CELLS = Number(process.env.BENCH_CELLS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CONNECTIONS = (process.env.BENCH_MQTT_CONNECTIONS ?? '1,4').split(',').map(Number);
/**
 * Batches published but not yet answered: enough to keep every session busy, and well under
 * Mosquitto's default `max_queued_messages` (1000 per session), beyond which it drops messages.
 */
const AWAITING_OUTCOME = 256;
const T0 = Date.UTC(2026, 0, 1);

interface Run {
  connections: number;
  messagesPerSec: number;
  samplesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  stored: number;
}

function batchBody(index: number): string {
  const firstSeq = Math.floor(index / CELLS) * BATCH;
  const samples = Array.from({ length: BATCH }, (_, k) => {
    const seq = firstSeq + k;
    return { seq, ts: T0 + seq * 100, voltageV: 3.6 + 0.2 * Math.sin(seq / 300), currentA: 0.002 };
  });
  return JSON.stringify({ token: BENCH_TOKEN, samples });
}

/** The consumer subscribes after the service listens: probe with an invalid message until it answers. */
async function untilSubscribed(gateway: MqttClient, prefix: string, answered: () => boolean): Promise<void> {
  const until = Date.now() + 30_000;
  while (!answered()) {
    if (Date.now() > until) throw new Error('the service never answered on the acks topic');
    await gateway.publishAsync(`${prefix}/cells/probe/samples`, 'not json', { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
  }
  // Every session of the instance connects at once; give the rest a moment to subscribe too.
  await new Promise((r) => setTimeout(r, 1500));
}

async function runOnce(connections: number, serverUrl: string): Promise<Run> {
  const id = randomBytes(4).toString('hex');
  const prefix = `bench${id}`;
  const svc = await startBenchService(
    {
      MQTT_URL,
      BUS_TOPIC_PREFIX: prefix,
      MQTT_CLIENT_ID: `twin-bench-${id}`,
      MQTT_SHARE_GROUP: `bench${id}`,
      MQTT_SESSION_EXPIRY_S: '60',
      MQTT_CONNECTIONS: String(connections),
    },
    serverUrl,
  );
  const cellIds = Array.from({ length: CELLS }, (_, i) => `bus-${i}`);
  await createCells(svc.api.url, cellIds);
  const gateway = await connectAsync(MQTT_URL, { protocolVersion: 5, clientId: `gw-${id}`, clean: true });
  try {
    const sentAt = new Map<string, number[]>();
    const latencies: number[] = [];
    let probeAnswered = false;
    let outcomes = 0;
    let stored = 0;
    let allIn: () => void = () => undefined;
    let wake: () => void = () => undefined;
    const done = new Promise<void>((r) => (allIn = r));
    gateway.on('message', (topic, payload) => {
      const cellId = topic.split('/')[2];
      if (cellId === 'probe') return void (probeAnswered = true);
      const outcome = JSON.parse(payload.toString()) as { accepted?: number };
      latencies.push(performance.now() - (sentAt.get(cellId)?.shift() ?? NaN));
      stored += outcome.accepted ?? 0;
      if (++outcomes === MESSAGES) allIn();
      wake();
    });
    await gateway.subscribeAsync(`${prefix}/cells/+/acks`, { qos: 1 });
    await untilSubscribed(gateway, prefix, () => probeAnswered);

    const bodies = Array.from({ length: MESSAGES }, (_, i) => batchBody(i));
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      while (i - outcomes >= AWAITING_OUTCOME) await new Promise<void>((r) => (wake = r));
      const cellId = cellIds[i % CELLS];
      let times = sentAt.get(cellId);
      if (!times) sentAt.set(cellId, (times = []));
      times.push(performance.now());
      gateway.publish(`${prefix}/cells/${cellId}/samples`, bodies[i], { qos: 1 }, (error) => {
        if (error) throw error;
      });
    }
    await Promise.race([
      done,
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error(`${outcomes} of ${MESSAGES} outcomes after 300 s`)), 300_000),
      ),
    ]);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      connections,
      messagesPerSec: MESSAGES / seconds,
      samplesPerSec: stored / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      stored,
    };
  } finally {
    await gateway.endAsync();
    await svc.stop();
  }
}

async function main(): Promise<void> {
  const serverUrl = await benchPostgresUrl('production');
  const runs: Run[] = [];
  for (const connections of CONNECTIONS) {
    console.log(`[bus] ${connections} MQTT session(s) per instance, ${MESSAGES} × ${BATCH} samples…`);
    runs.push(await runOnce(connections, serverUrl));
  }
  const base = runs[0];
  console.log(`\ndatabase: ${benchPostgresDescription(serverUrl)}; ${CELLS} cells\n`);
  console.log(
    '| MQTT sessions per instance | messages/s | samples/s | vs first | publish → outcome p50 / p99 | samples stored |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of runs) {
    console.log(
      `| ${r.connections} | ${r.messagesPerSec.toFixed(0)} | ${r.samplesPerSec.toFixed(0)} | ${(r.messagesPerSec / base.messagesPerSec).toFixed(2)}× | ${r.p50Ms.toFixed(0)} / ${r.p99Ms.toFixed(0)} ms | ${r.stored} of ${MESSAGES * BATCH} |`,
    );
  }
}

void main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
