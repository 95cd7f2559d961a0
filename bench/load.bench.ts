/**
 * npm run bench:load — sustained load against one and two instances: N rig processes stream M cells
 * at a fixed rate on /rigs, L browser processes subscribe to every cell on /live. Reports sustained
 * committed samples/s, p50/p99 sample-to-browser latency (sample stamped at send, twin state
 * received in another process on the same clock), server RSS, and plain COPY into the same database
 * in the same run as the ceiling. With two instances the rigs and browsers are spread over both and
 * the states cross through Redis (a redis-server is started for the run).
 *
 * BENCH_CELLS (200), BENCH_RIGS (4), BENCH_LIVE (2), BENCH_HZ per cell (10), BENCH_SECONDS (20),
 * BENCH_INSTANCES=1 to skip the two-instance scenario.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { io } from 'socket.io-client';
import { freePort, startApiProcess, type ApiProcess } from '../test/support/api-process';
import { BENCH_TOKEN, percentile, startBenchService } from './support/bench-service';
import { copyBaselineRowsPerSec } from './support/copy-baseline';

const CELLS = Number(process.env.BENCH_CELLS ?? 200);
const RIGS = Number(process.env.BENCH_RIGS ?? 4);
const LIVE = Number(process.env.BENCH_LIVE ?? 2);
const HZ = Number(process.env.BENCH_HZ ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BATCH_MS = 500;

interface RigJob {
  role: 'rig';
  url: string;
  token: string;
  cells: string[];
  hz: number;
  seconds: number;
}
interface LiveJob {
  role: 'live';
  url: string;
  token: string;
  cells: string[];
  seconds: number;
}
type RigReport = { acked: number; refused: number };
type LiveReport = { latenciesMs: number[] };

/** A rig process: one socket, every cell sends the samples of the last BATCH_MS, one batch in flight per cell. */
async function runRig(job: RigJob): Promise<RigReport> {
  const socket = io(`${job.url}/rigs`, { auth: { token: job.token }, transports: ['websocket'] });
  await new Promise<void>(
    (res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)),
  );
  const report: RigReport = { acked: 0, refused: 0 };
  const backlog = new Map<string, { seq: number; ts: number; voltageV: number; currentA: number }[]>();
  const inFlight = new Set<string>();
  const seqs = new Map<string, number>();
  const periodMs = 1000 / job.hz;
  let lastTick = Date.now();
  const until = Date.now() + job.seconds * 1000;
  const tick = () => {
    const now = Date.now();
    const n = Math.round((now - lastTick) / periodMs);
    lastTick += n * periodMs;
    for (const cellId of job.cells) {
      const list = backlog.get(cellId) ?? [];
      for (let k = n - 1; k >= 0; k--) {
        const seq = seqs.get(cellId) ?? 0;
        seqs.set(cellId, seq + 1);
        list.push({
          seq,
          ts: now - k * periodMs,
          voltageV: 3.6 + 0.2 * Math.sin(seq / 300),
          currentA: 0.002,
        });
      }
      backlog.set(cellId, list);
      if (inFlight.has(cellId) || list.length === 0) continue;
      const samples = list.splice(0);
      inFlight.add(cellId);
      socket
        .timeout(30_000)
        .emitWithAck('samples', { cellId, samples })
        .then((ack: { accepted?: number; error?: unknown }) => {
          if (ack.error) {
            report.refused += 1;
            backlog.get(cellId)!.unshift(...samples);
          } else report.acked += ack.accepted ?? 0;
        })
        .catch(() => backlog.get(cellId)!.unshift(...samples))
        .finally(() => inFlight.delete(cellId));
    }
  };
  while (Date.now() < until) {
    tick();
    await new Promise((r) => setTimeout(r, BATCH_MS));
  }
  const drainUntil = Date.now() + 10_000;
  while (inFlight.size > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  socket.close();
  return report;
}

/** A browser process: subscribes to every cell and stamps each twin state on arrival. */
async function runLive(job: LiveJob): Promise<LiveReport> {
  const socket = io(`${job.url}/live`, { auth: { token: job.token }, transports: ['websocket'] });
  await new Promise<void>(
    (res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)),
  );
  const latenciesMs: number[] = [];
  let measuring = false;
  socket.on('twin', (state: { ts: string }) => {
    if (measuring) latenciesMs.push(Date.now() - Date.parse(state.ts));
  });
  for (const cellId of job.cells) await socket.timeout(10_000).emitWithAck('subscribe', { cellId });
  measuring = true;
  await new Promise((r) => setTimeout(r, (job.seconds + 2) * 1000));
  socket.close();
  return { latenciesMs };
}

function child<T>(job: RigJob | LiveJob): { proc: ChildProcess; done: Promise<T> } {
  const proc = fork(import.meta.filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const done = new Promise<T>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as T));
    proc.once('exit', (code) => reject(new Error(`${job.role} process exited with ${code}`)));
  });
  proc.send(job);
  return { proc, done };
}

async function rssMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^twin_process_resident_memory_bytes (\S+)/m.exec(text)?.[1] ?? NaN) / 1024 / 1024;
}

async function startRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => proc.kill('SIGKILL') };
}

async function scenario(instances: 1 | 2) {
  const redis = instances === 2 ? await startRedis() : null;
  const env: Record<string, string> = {
    RATE_LIMIT_PER_SECOND: '0',
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  const svc = await startBenchService(env);
  const extra: ApiProcess[] = [];
  try {
    if (instances === 2) {
      extra.push(
        await startApiProcess(
          { DATABASE_URL: svc.databaseUrl, ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent', ...env },
          await freePort(),
        ),
      );
    }
    const urls = [svc.api.url, ...extra.map((e) => e.url)];
    const cellIds = Array.from({ length: CELLS }, (_, i) => `load-${i}`);
    for (const id of cellIds) {
      await fetch(`${urls[0]}/api/v1/cells`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          id,
          cathode: 'NCM811',
          electrolyte: 'Li6PS5Cl',
          nominalCapacityAh: 0.005,
          electrodeAreaCm2: 0.785,
          stackPressureMPa: 10,
        }),
      });
    }
    const rssBefore = await Promise.all(urls.map(rssMb));
    // Browsers on the instance that does NOT own their rigs' cells when there are two: every state crosses Redis.
    const live = Array.from({ length: LIVE }, (_, i) =>
      child<LiveReport>({
        role: 'live',
        token: BENCH_TOKEN,
        url: urls[(i + 1) % urls.length],
        cells: cellIds,
        seconds: SECONDS,
      }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const rigs = Array.from({ length: RIGS }, (_, r) =>
      child<RigReport>({
        role: 'rig',
        token: BENCH_TOKEN,
        url: urls[r % urls.length],
        cells: cellIds.filter((_, i) => i % RIGS === r),
        hz: HZ,
        seconds: SECONDS,
      }),
    );
    let rssMax = rssBefore.map(() => 0);
    const sampler = setInterval(async () => {
      const now = await Promise.all(urls.map(rssMb)).catch(() => null);
      if (now) rssMax = rssMax.map((m, i) => Math.max(m, now[i]));
    }, 1000);
    const rigReports = await Promise.all(rigs.map((r) => r.done));
    const liveReports = await Promise.all(live.map((l) => l.done));
    clearInterval(sampler);
    const rssAfter = await Promise.all(urls.map(rssMb));
    const acked = rigReports.reduce((n, r) => n + r.acked, 0);
    const latencies = liveReports.flatMap((l) => l.latenciesMs).sort((x, y) => x - y);
    return {
      instances,
      cells: CELLS,
      offeredSamplesPerSec: CELLS * HZ,
      committedSamplesPerSec: Math.round(acked / SECONDS),
      refusedBatches: rigReports.reduce((n, r) => n + r.refused, 0),
      browserStates: latencies.length,
      p50LatencyMs: percentile(latencies, 50),
      p99LatencyMs: percentile(latencies, 99),
      rssMb: urls.map((_, i) => ({
        before: Math.round(rssBefore[i]),
        max: Math.round(rssMax[i]),
        after: Math.round(rssAfter[i]),
      })),
      copyBaselineRowsPerSec: Math.round(await copyBaselineRowsPerSec(svc.databaseUrl, 200_000)),
    };
  } finally {
    for (const e of extra) {
      e.child.kill('SIGTERM');
      await e.stopped;
    }
    await svc.stop();
    redis?.stop();
  }
}

async function main() {
  const results = [await scenario(1)];
  const twoWanted = process.env.BENCH_INSTANCES !== '1';
  if (twoWanted && (existsSync('/usr/bin/redis-server') || process.env.BENCH_FORCE_TWO)) {
    results.push(await scenario(2));
  }
  console.log(JSON.stringify(results, null, 2));
  console.log(
    '\n| instances | cells × Hz | committed samples/s | COPY rows/s (same run) | p50 / p99 sample→browser | RSS per instance (before → max) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.instances} | ${r.cells} × ${HZ} | ${r.committedSamplesPerSec} | ${r.copyBaselineRowsPerSec} | ${r.p50LatencyMs} / ${r.p99LatencyMs} ms | ${r.rssMb.map((m) => `${m.before} → ${m.max} MB`).join(', ')} |`,
    );
  }
}

if (process.argv.includes('--child')) {
  process.once('message', (job: RigJob | LiveJob) => {
    const run = job.role === 'rig' ? runRig(job) : runLive(job);
    run.then(
      (report) => process.send!(report, () => process.exit(0)),
      (error: Error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
