/**
 * npm run bench:bus — bus ingest through the running service. A gateway publishes MESSAGES batches
 * of BATCH samples, round robin over CELLS cells, with up to AWAITING_OUTCOME unanswered; the bench
 * times until every batch's outcome is back on the acks channel, and takes each batch's publish →
 * outcome time. MQTT (QoS 1) once per BENCH_MQTT_CONNECTIONS value (MQTT sessions per instance,
 * default "1,4"), then NATS JetStream (`BUS_MAX_IN_FLIGHT` in flight), each on a fresh database,
 * topics and stream in the same run; printed against the first. A broker that does not answer
 * (127.0.0.1:1883, :4222; BENCH_MQTT_URL, BENCH_NATS_URL) is left out, saying so.
 *
 * BENCH_CELLS (50), BENCH_MESSAGES (3000), BENCH_BATCH (100), BENCH_MQTT_CONNECTIONS ("1,4").
 */
import { randomBytes } from 'node:crypto';
import { portOpen } from '../test/support/bus-test-kit';
import { benchPostgresDescription, benchPostgresUrl } from './support/bench-postgres';
import { BENCH_TOKEN, createCells, percentile, startBenchService } from './support/bench-service';
import {
  deleteNatsStream,
  mqttGateway,
  natsGateway,
  type BusGateway,
  type OnOutcome,
} from './support/bus-gateways';

const MQTT_URL = process.env.BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
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

interface Setup {
  label: string;
  env: (id: string) => Record<string, string>;
  gateway: (prefix: string, onOutcome: OnOutcome) => Promise<BusGateway>;
  cleanUp?: (id: string) => Promise<void>;
}

interface Run {
  label: string;
  messagesPerSec: number;
  samplesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  stored: number;
}

/** Whether a broker answers at `url`'s host and port. */
function brokerAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return portOpen(Number(port), hostname);
}

function batchBody(index: number): string {
  const firstSeq = Math.floor(index / CELLS) * BATCH;
  const samples = Array.from({ length: BATCH }, (_, k) => {
    const seq = firstSeq + k;
    return { seq, ts: T0 + seq * 100, voltageV: 3.6 + 0.2 * Math.sin(seq / 300), currentA: 0.002 };
  });
  return JSON.stringify({ token: BENCH_TOKEN, samples });
}

/** The consumers start after the service listens: probe with an invalid message until it answers. */
async function untilConsuming(gateway: BusGateway, answered: () => boolean): Promise<void> {
  const until = Date.now() + 30_000;
  while (!answered()) {
    if (Date.now() > until) throw new Error('the service never answered on the acks channel');
    // JetStream refuses publishes until the service has made its stream: try again.
    await gateway.publish('probe', 'not json').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Every MQTT session of the instance connects at once; give the rest a moment to subscribe too.
  await new Promise((r) => setTimeout(r, 1500));
}

async function runOnce(setup: Setup, serverUrl: string): Promise<Run> {
  const id = randomBytes(4).toString('hex');
  const prefix = `bench${id}`;
  const svc = await startBenchService({ BUS_TOPIC_PREFIX: prefix, ...setup.env(id) }, serverUrl);
  const cellIds = Array.from({ length: CELLS }, (_, i) => `bus-${i}`);
  await createCells(svc.api.url, cellIds);
  const sentAt = new Map<string, number[]>();
  const latencies: number[] = [];
  let probeAnswered = false;
  let outcomes = 0;
  let stored = 0;
  let allIn: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => ((allIn = resolve), (failed = reject)));
  const gateway = await setup.gateway(prefix, (cellId, outcome) => {
    if (cellId === 'probe') return void (probeAnswered = true);
    latencies.push(performance.now() - (sentAt.get(cellId)?.shift() ?? NaN));
    stored += outcome.accepted ?? 0;
    if (++outcomes === MESSAGES) allIn();
    wake();
  });
  try {
    await untilConsuming(gateway, () => probeAnswered);
    const bodies = Array.from({ length: MESSAGES }, (_, i) => batchBody(i));
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i++) {
      while (i - outcomes >= AWAITING_OUTCOME) await new Promise<void>((r) => (wake = r));
      const cellId = cellIds[i % CELLS];
      let times = sentAt.get(cellId);
      if (!times) sentAt.set(cellId, (times = []));
      times.push(performance.now());
      gateway.publish(cellId, bodies[i]).catch(failed);
    }
    const timeout = setTimeout(
      () => failed(new Error(`${outcomes} of ${MESSAGES} outcomes after 300 s`)),
      300_000,
    );
    await done.finally(() => clearTimeout(timeout));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      label: setup.label,
      messagesPerSec: MESSAGES / seconds,
      samplesPerSec: stored / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      stored,
    };
  } finally {
    await gateway.close();
    await svc.stop();
    await setup.cleanUp?.(id);
  }
}

function setups(mqttUp: boolean, natsUp: boolean): Setup[] {
  const mqtt: Setup[] = CONNECTIONS.map((connections) => ({
    label: `MQTT, ${connections} session${connections === 1 ? '' : 's'} per instance`,
    env: (id) => ({
      MQTT_URL,
      MQTT_CLIENT_ID: `twin-bench-${id}`,
      MQTT_SHARE_GROUP: `bench${id}`,
      MQTT_SESSION_EXPIRY_S: '60',
      MQTT_CONNECTIONS: String(connections),
    }),
    gateway: (prefix, onOutcome) => mqttGateway(MQTT_URL, prefix, onOutcome),
  }));
  const nats: Setup = {
    label: 'NATS JetStream, 16 in flight',
    env: (id) => ({ NATS_URL, NATS_STREAM: `TWIN_BENCH_${id}`, NATS_CONSUMER: `bench-${id}` }),
    gateway: (prefix, onOutcome) => natsGateway(NATS_URL, prefix, onOutcome),
    cleanUp: (id) => deleteNatsStream(NATS_URL, `TWIN_BENCH_${id}`),
  };
  return [...(mqttUp ? mqtt : []), ...(natsUp ? [nats] : [])];
}

async function main(): Promise<void> {
  const [mqttUp, natsUp] = await Promise.all([brokerAnswers(MQTT_URL), brokerAnswers(NATS_URL)]);
  if (!mqttUp) console.log(`[bus] no MQTT broker at ${MQTT_URL}: MQTT left out`);
  if (!natsUp) console.log(`[bus] no NATS server at ${NATS_URL}: NATS left out`);
  const serverUrl = await benchPostgresUrl('production');
  const runs: Run[] = [];
  for (const setup of setups(mqttUp, natsUp)) {
    console.log(`[bus] ${setup.label}, ${MESSAGES} × ${BATCH} samples…`);
    runs.push(await runOnce(setup, serverUrl));
  }
  if (runs.length === 0) throw new Error('no broker answered');
  const base = runs[0];
  console.log(`\ndatabase: ${benchPostgresDescription(serverUrl)}; ${CELLS} cells\n`);
  console.log('| bus | messages/s | samples/s | vs first | publish → outcome p50 / p99 | samples stored |');
  console.log('|---|---|---|---|---|---|');
  for (const r of runs) {
    console.log(
      `| ${r.label} | ${r.messagesPerSec.toFixed(0)} | ${r.samplesPerSec.toFixed(0)} | ${(r.messagesPerSec / base.messagesPerSec).toFixed(2)}× | ${r.p50Ms.toFixed(0)} / ${r.p99Ms.toFixed(0)} ms | ${r.stored} of ${MESSAGES * BATCH} |`,
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
