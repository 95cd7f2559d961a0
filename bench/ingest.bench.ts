/**
 * npm run bench:ingest — end-to-end idempotent ingest through the running service: rigs on /rigs →
 * committed → twin → received by a live client on /live, against plain COPY into the same database
 * in the same run. Prints ratios, not absolute claims.
 */
import { cpus, loadavg } from 'node:os';
import { io, type Socket } from 'socket.io-client';
import { BENCH_TOKEN, createCells, percentile, startBenchService } from './support/bench-service';
import { copyBaselineRowsPerSec } from './support/copy-baseline';

const CELLS = Number(process.env.BENCH_CELLS ?? 20);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SAMPLES_PER_CELL = Number(process.env.BENCH_SAMPLES_PER_CELL ?? 15_000);
const IN_FLIGHT = 2;

interface Rig {
  socket: Socket;
}

function makeSample(seq: number, t0: number) {
  return {
    seq,
    ts: t0 + seq * 100,
    voltageV: 3.5 + 0.3 * Math.sin(seq / 500),
    currentA: seq % 2000 < 1000 ? 0.0025 : -0.0025,
    temperatureC: 25,
  };
}

async function connect(url: string, ns: string): Promise<Socket> {
  const s = io(`${url}${ns}`, { auth: { token: BENCH_TOKEN }, transports: ['websocket'] });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  return s;
}

/** Sends every cell's samples with IN_FLIGHT batches outstanding per cell; resolves when acks are in. */
const ackLatencies: number[] = [];
/** 503/UNAVAILABLE acks (backpressure: ingest or the twin queue is full), each retried after retryAfterMs. */
let backpressureRetries = 0;

type SamplesAck =
  | { accepted: number; duplicates: number; rejected: unknown[]; error?: undefined }
  | { error: { code: string; message: string; retryAfterMs?: number } };

/** Sends one batch until it is acknowledged as stored, waiting out backpressure like a well-behaved rig. */
async function sendWithRetry(
  socket: Socket,
  cellId: string,
  samples: unknown[],
): Promise<{ accepted: number; duplicates: number }> {
  for (;;) {
    const ack: SamplesAck = await socket.timeout(30_000).emitWithAck('samples', { cellId, samples });
    if (!ack.error) return ack;
    if (ack.error.code !== 'UNAVAILABLE')
      throw new Error(`ingest failed: ${JSON.stringify(ack).slice(0, 200)}`);
    backpressureRetries += 1;
    await new Promise((r) => setTimeout(r, ack.error.retryAfterMs ?? 1000));
  }
}

async function sendAll(
  rigs: Rig[],
  cellIds: string[],
  startSeq: number,
  count: number,
  t0: number,
  pace: { batchIntervalMs: number } | null,
  sentAt: Map<string, number>,
) {
  await Promise.all(
    cellIds.map(async (cellId, i) => {
      const rig = rigs[i % rigs.length];
      let next = startSeq;
      const end = startSeq + count;
      const worker = async () => {
        while (next < end) {
          const from = next;
          next = Math.min(end, next + BATCH);
          const samples = [];
          for (let s = from; s < next; s++) samples.push(makeSample(s, t0));
          const sentMs = performance.now();
          sentAt.set(`${cellId}:${next - 1}`, sentMs);
          const ack = await sendWithRetry(rig.socket, cellId, samples);
          if (pace) ackLatencies.push(performance.now() - sentMs);
          // A retried batch may have been committed by an attempt whose ack was lost: duplicates count as stored.
          if (ack.accepted + ack.duplicates !== samples.length)
            throw new Error(`ingest failed: ${JSON.stringify(ack).slice(0, 200)}`);
          if (pace) await new Promise((r) => setTimeout(r, pace.batchIntervalMs));
        }
      };
      await Promise.all(Array.from({ length: pace ? 1 : IN_FLIGHT }, worker));
    }),
  );
}

async function main() {
  const svc = await startBenchService();
  const url = svc.api.url;
  try {
    const cellIds = Array.from({ length: CELLS }, (_, i) => `bench-${i}`);
    await createCells(url, cellIds);
    const live = await connect(url, '/live');
    for (const id of cellIds) await live.emitWithAck('subscribe', { cellId: id });
    const latestSeq = new Map<string, number>();
    const latencies: number[] = [];
    let sentAt = new Map<string, number>();
    let lastReceipt = 0;
    live.on('twin', (s: { cellId: string; seq: number }) => {
      const now = performance.now();
      lastReceipt = now;
      const prev = latestSeq.get(s.cellId) ?? -1;
      latestSeq.set(s.cellId, s.seq);
      for (const [key, t] of sentAt) {
        const [cell, seqText] = key.split(':');
        const seq = Number(seqText);
        if (cell === s.cellId && seq <= s.seq && seq > prev - 1) {
          latencies.push(now - t);
          sentAt.delete(key);
        }
      }
    });
    const rigs: Rig[] = [];
    for (let i = 0; i < 4; i++) rigs.push({ socket: await connect(url, '/rigs') });
    const t0 = Date.UTC(2026, 0, 1);

    // warm-up (JIT, pool, plan cache)
    await sendAll(rigs, cellIds, 0, 1000, t0, null, new Map());

    // 1) maximum rate, end to end
    const total = CELLS * SAMPLES_PER_CELL;
    latencies.length = 0;
    sentAt = new Map();
    const started = performance.now();
    await sendAll(rigs, cellIds, 1000, SAMPLES_PER_CELL, t0, null, sentAt);
    const lastSeq = 1000 + SAMPLES_PER_CELL - 1;
    while (cellIds.some((id) => (latestSeq.get(id) ?? -1) < lastSeq))
      await new Promise((r) => setTimeout(r, 5));
    const maxRate = total / ((lastReceipt - started) / 1000);

    // 2) latency at half that rate: each cell sends one batch per interval
    const halfRate = maxRate / 2;
    const batchIntervalMs = Math.max(110, (CELLS * BATCH * 1000) / halfRate);
    const paced = Math.round((halfRate * 8) / CELLS / BATCH) * BATCH || BATCH;
    latencies.length = 0;
    sentAt = new Map();
    const pacedStart = 1000 + SAMPLES_PER_CELL;
    await sendAll(rigs, cellIds, pacedStart, paced, t0, { batchIntervalMs }, sentAt);
    await new Promise((r) => setTimeout(r, 500));
    const sorted = [...latencies].sort((a, b) => a - b);
    const acks = [...ackLatencies].sort((a, b) => a - b);

    // 3) plain COPY into the same database, same run
    const copyRate = await copyBaselineRowsPerSec(svc.databaseUrl, total, { cells: CELLS, runLength: BATCH });

    console.log(
      `\nbench:ingest — ${CELLS} cells, batches of ${BATCH}, ${total.toLocaleString()} samples, PostgreSQL server, ${cpus().length}-core machine, load average ${loadavg()[0].toFixed(1)} at the end`,
    );
    console.log(`  plain COPY baseline            ${copyRate.toFixed(0).padStart(9)} rows/s   (1.00×)`);
    console.log(
      `  end-to-end ingest → live twin  ${maxRate.toFixed(0).padStart(9)} rows/s   (${(maxRate / copyRate).toFixed(2)}× COPY)`,
    );
    console.log(
      `  send → live latency at ${(halfRate / 1000).toFixed(1)}k rows/s (half max), ${batchIntervalMs.toFixed(0)} ms per batch per cell: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (${sorted.length} batches)`,
    );
    console.log(
      `  of which send → committed ack: p50 ${percentile(acks, 50).toFixed(1)} ms, p99 ${percentile(acks, 99).toFixed(1)} ms`,
    );
    console.log(`  backpressure (503/UNAVAILABLE) acks retried: ${backpressureRetries}`);
    live.close();
    rigs.forEach((r) => r.socket.close());
  } finally {
    await svc.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
