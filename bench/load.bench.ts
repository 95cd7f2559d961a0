/**
 * npm run bench:load — rigs and browsers as separate processes against one and two instances.
 * Per scenario, four phases:
 *  1. max: every cell keeps IN_FLIGHT batches of MAX_BATCH samples in flight (closed loop);
 *     committed samples/s against plain COPY of the same rows into a table like `samples`, in the
 *     same database and run, measured just before while the machine is quiet.
 *  2. half: the same cells paced at half that rate for HALF_SECONDS, a batch per cell every
 *     PACED_BATCH_MS; p50/p99 of sample → browser (the newest sample's ts is stamped at send; the
 *     browser process reads the same clock), server RSS and the host's dirty page cache peak. Every
 *     phase but the fan-out also reports where the CPU went (cpu-by-role.ts: machine, service or relay,
 *     PostgreSQL, rigs, browsers), so a latency reads against how busy the two cores were.
 *  3. fan-out: FANOUT_LIVE browsers watch every cell while rigs stream FANOUT_BATCH-sample batches
 *     with the live limit raised so that every sample's twin state is pushed (LIVE_MAX_PER_SECOND
 *     1000, LIVE_BURST FANOUT_BATCH + 3: the states before a batch's newest go out too); twin
 *     events delivered per second summed over the browsers, against a bare socket.io server
 *     pushing the same payload to the same number of browser processes as fast as it can
 *     (measured once per run).
 *  4. floor: the half phase's load through a bare relay (load-clients.ts › runBareRelay) instead of
 *     the service: the same rigs, browsers and machine with none of the service's work, so the half
 *     phase's latency can be read against what this machine leaves at that load.
 * The service, every rig and every browser run in sessions of their own: Linux's autogroup shares the
 * CPU between sessions first, and each PostgreSQL backend is a session of its own, so a service in the
 * bench's session would compete as one group with all the load generators (see startApiProcess).
 * Latencies and acks of each phase's first second (WARMUP_MS) are left out of the percentiles, and
 * the half phase starts once the max phase's backlog has drained and 2 s more have passed (settle).
 * With two instances the rigs and browsers are spread over both and states cross Redis (a
 * redis-server is started for the run). A refused batch (503 / UNAVAILABLE: backpressure) is
 * resent after its retry hint and counted.
 *
 * BENCH_CELLS (200), BENCH_RIGS (4), BENCH_LIVE (2), BENCH_FANOUT_LIVE (4), BENCH_SECONDS per
 * phase (10), BENCH_HALF_SECONDS for the half phase (30), BENCH_IN_FLIGHT batches per cell in the
 * max phase (2), BENCH_INSTANCES=1 to skip the two-instance scenario, BENCH_API_ENV (JSON) for
 * service settings, BENCH_SKIP_FANOUT=1 to run only
 * the ingest phases, BENCH_SKIP_LOAD=1 to run only the fan-out, BENCH_SWEEP=1 to add paced phases at
 * 0.1–0.4 of the max (latency against rate), BENCH_CHILD_NODE_ARGS for the rig and browser processes
 * (e.g. --cpu-prof, as API_NODE_ARGS for the service), BENCH_PG_SETTINGS (JSON) for the private
 * PostgreSQL server's settings over PRODUCTION_SETTINGS, BENCH_RIG_NICE (19) and BENCH_RIG_IDLE_GROUP=0
 * to keep the rigs out of an idle CPU group.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { io } from 'socket.io-client';
import { freePort, startApiProcess, type ApiProcess } from '../test/support/api-process';
import { RedisServer, redisAvailable } from '../test/support/redis-server';
import { benchPostgresDescription, benchPostgresUrl } from './support/bench-postgres';
import { CpuByRole, type CpuShares } from './support/cpu-by-role';
import { createIdleCpuGroup, type IdleCpuGroup } from './support/idle-cpu-group';
import { hostWritebackDescription, peakDirtyDuring } from './support/host-writeback';
import {
  BENCH_TOKEN,
  createCells,
  percentile,
  postOneSample,
  startBenchService,
} from './support/bench-service';
import { medianCopyBaselineRowsPerSec } from './support/copy-baseline';
import {
  PACED_BATCH_MS,
  runClientJob,
  type Job,
  type LiveReport,
  type RigMode,
  type RigReport,
} from './support/load-clients';
import { meanMsDuring, quiet, rssMb, settle } from './support/service-probes';

const CELLS = Number(process.env.BENCH_CELLS ?? 200);
const RIGS = Number(process.env.BENCH_RIGS ?? 4);
const LIVE = Number(process.env.BENCH_LIVE ?? 2);
const FANOUT_LIVE = Number(process.env.BENCH_FANOUT_LIVE ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * The half phase, whose p99 is the goal, runs 30 s: the kernel writes PostgreSQL's data files back in
 * bursts about 30 s apart (host-writeback.ts), and a 10 s window held one or none by the luck of timing.
 */
const HALF_SECONDS = Number(process.env.BENCH_HALF_SECONDS ?? 30);
const MAX_BATCH = 200;
/**
 * The rig processes' nice value. Real rigs run on their own machines; here they share the two cores
 * with the service and PostgreSQL, and at normal priority their ~45 % of the CPU is what the
 * service's wake-ups queue behind. Niced, they yield to the system under test, though not wholly: niced
 * CPU still delays its wake-ups (docs/benchmarks.md › load, eighth round), so where it can the bench
 * also puts them in an idle CPU group (rigGroup). The browser processes keep normal priority: they take
 * the arrival times. BENCH_RIG_NICE=0 runs them as equals.
 */
const RIG_NICE = Number(process.env.BENCH_RIG_NICE ?? 19);
/**
 * The rigs' idle CPU group (idle-cpu-group.ts), made by the bench's main process where it can be;
 * BENCH_RIG_IDLE_GROUP=0 leaves the rigs at their nice value alone.
 */
let rigGroup: IdleCpuGroup | null = null;
/** Samples per rig batch in the fan-out phase; each one's twin state is pushed. */
const FANOUT_BATCH = Number(process.env.BENCH_FANOUT_BATCH ?? 20);

/** Linux's autogroup nice for the session `pid` leads; a no-op where there is no autogroup. */
function setAutogroupNice(pid: number, nice: number): void {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    /* not Linux, or autogroup off: the process's own nice is what counts there */
  }
}

interface Child<T> {
  proc: ChildProcess;
  ready: Promise<void>;
  done: Promise<T>;
  go(): void;
}

function child<T>(job: Job): Child<T> {
  const proc = fork(import.meta.filename, ['--child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // A session, so a scheduling group, of its own (see startApiProcess's ownSession): in the
    // bench's session the rigs and browsers would share one group with everything else it starts.
    detached: true,
    // BENCH_CHILD_NODE_ARGS: e.g. --cpu-prof for the rig and browser processes, as API_NODE_ARGS for the service.
    execArgv: [...process.execArgv, ...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ') ?? [])],
  });
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<T>((resolve, reject) => {
    proc.on('message', (m: { ready?: boolean }) => {
      if (!m.ready) return resolve(m as T);
      // The rig's group gets the rig's nice: a nice value alone ranks a process only within its group.
      if (job.role === 'rig' && RIG_NICE !== 0) setAutogroupNice(proc.pid!, RIG_NICE);
      if (job.role === 'rig') rigGroup?.add(proc.pid!);
      markReady();
    });
    // A large report can be delivered just after 'exit': give it a moment before calling it lost.
    proc.once('exit', (code) =>
      setTimeout(() => reject(new Error(`${job.role} process exited with ${code} without a report`)), 2000),
    );
  });
  if (job.role === 'rig' && RIG_NICE !== 0) setPriority(proc.pid!, RIG_NICE);
  proc.send(job);
  return { proc, ready, done, go: () => proc.send('go') };
}

/** Priming and each phase take their own range of seqs, after the ones before. */
let phasesRun = 0;

/**
 * One sample per cell through the instance its rig will use, then settle: every cell's lease is taken
 * and its twin made (a one-time cost, ~2–3 s of both cores for 200 cells) before anything is timed.
 * The phases measure a running service, not its first contact with each cell.
 */
async function prime(urls: string[], cellIds: string[]): Promise<void> {
  const seq = 100_000_000 * phasesRun++;
  const rigUrl = (i: number) => urls[(i % RIGS) % urls.length];
  for (let i = 0; i < cellIds.length; i += 20)
    await Promise.all(
      cellIds.slice(i, i + 20).map((cellId, k) => postOneSample(rigUrl(i + k), cellId, seq, 3.6)),
    );
  await settle(urls);
}

/** Runs rigs and browsers together: every clock starts at once, when all rigs have connected and all browsers subscribed. */
async function phase(
  urls: string[],
  cellIds: string[],
  mode: RigMode,
  browsers: number,
  seconds = SECONDS,
  cpu?: CpuByRole,
) {
  const firstSeq = 100_000_000 * phasesRun++;
  console.error(`[load] ${urls.length} instance(s), ${mode.kind} phase, ${seconds} s…`);
  // With two instances, browsers sit on the instance other than their rigs': states cross Redis.
  const live = Array.from({ length: browsers }, (_, i) =>
    child<LiveReport>({
      role: 'live',
      token: BENCH_TOKEN,
      url: urls[(i + 1) % urls.length],
      cells: cellIds,
      seconds,
    }),
  );
  const rigs = Array.from({ length: RIGS }, (_, r) =>
    child<RigReport>({
      role: 'rig',
      token: BENCH_TOKEN,
      url: urls[r % urls.length],
      cells: cellIds.filter((_, i) => i % RIGS === r),
      mode,
      firstSeq,
      seconds,
    }),
  );
  // Every process started and connected before anyone's clock runs: a rig still loading would
  // otherwise take its start-up (~1.5 s of a core each) out of the others' measured seconds.
  await Promise.all([...live, ...rigs].map((c) => c.ready));
  [...live, ...rigs].forEach((c) => c.go());
  const cpuAtGo = await cpu?.snapshot();
  const rigReports = await Promise.all(rigs.map((r) => r.done));
  const cpuAtEnd = await cpu?.snapshot();
  const liveReports = await Promise.all(live.map((l) => l.done));
  const sumCpu = (reports: { cpuSeconds: number }[]) => reports.reduce((n, r) => n + r.cpuSeconds, 0);
  const cpuShares: CpuShares | null =
    cpuAtGo && cpuAtEnd
      ? CpuByRole.between(cpuAtGo, cpuAtEnd, sumCpu(rigReports), sumCpu(liveReports))
      : null;
  const latencies = liveReports.flatMap((l) => l.latenciesMs).sort((x, y) => x - y);
  const acks = rigReports.flatMap((r) => r.ackMs).sort((x, y) => x - y);
  const stampAges = rigReports.flatMap((r) => r.stampAgeMs).sort((x, y) => x - y);
  return {
    ackP50Ms: percentile(acks, 50),
    ackP99Ms: percentile(acks, 99),
    rigSendDelayP99Ms: percentile(stampAges, 99),
    samplesPerSec: Math.round(rigReports.reduce((n, r) => n + r.acked, 0) / seconds),
    refusedBatches: rigReports.reduce((n, r) => n + r.refused, 0),
    eventsPerSec: Math.round(liveReports.reduce((n, l) => n + l.events / l.seconds, 0)),
    p50LatencyMs: percentile(latencies, 50),
    p99LatencyMs: percentile(latencies, 99),
    rigLagP99Ms: Math.max(...rigReports.map((r) => r.lagP99Ms)),
    browserLagP99Ms: Math.max(...liveReports.map((l) => l.lagP99Ms)),
    cpu: cpuShares,
  };
}

async function scenario(serverUrl: string, instances: 1 | 2, fanOut: boolean) {
  const redis = instances === 2 ? await RedisServer.start() : null;
  const env: Record<string, string> = {
    RATE_LIMIT_PER_SECOND: '0',
    // The paced rigs send PACED_BATCH_MS batches, 10 a second per cell: at the default live limit of
    // 10 a second the limit itself queues states (its token bucket hovers near empty when states
    // arrive at exactly its rate), so the half phase allows twice the batch rate and measures the
    // pipeline. BENCH_API_ENV='{"LIVE_MAX_PER_SECOND":"10"}' shows what the default adds.
    LIVE_MAX_PER_SECOND: String(2 * (1000 / PACED_BATCH_MS)),
    // Writers across instances about the database's cores (docs/deploy.md › INGEST_WRITERS): two
    // instances on this 2-core machine take one each.
    ...(instances === 2 ? { INGEST_WRITERS: '1' } : {}),
    // e.g. BENCH_API_ENV='{"INGEST_WRITERS":"4"}' to compare service settings in the same conditions
    ...(JSON.parse(process.env.BENCH_API_ENV ?? '{}') as Record<string, string>),
    ...(fanOut ? { LIVE_MAX_PER_SECOND: '1000', LIVE_BURST: String(FANOUT_BATCH + 3) } : {}),
    ...(redis ? { REDIS_URL: redis.url } : {}),
  };
  const svc = await startBenchService(env, serverUrl);
  const extra: ApiProcess[] = [];
  try {
    if (instances === 2) {
      extra.push(
        await startApiProcess(
          { DATABASE_URL: svc.databaseUrl, ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent', ...env },
          await freePort(),
          { ownSession: true },
        ),
      );
    }
    const urls = [svc.api.url, ...extra.map((e) => e.url)];
    const cellIds = Array.from({ length: CELLS }, (_, i) => `load-${i}`);
    await createCells(urls[0], cellIds);
    await prime(urls, cellIds);
    if (fanOut) {
      const result = await phase(urls, cellIds, { kind: 'max', batch: FANOUT_BATCH }, FANOUT_LIVE);
      return { instances, fanOut: result };
    }
    const quietAfterMs = await quiet(urls);
    const copyRowsPerSec = Math.round(
      await medianCopyBaselineRowsPerSec(svc.databaseUrl, 200_000, { cells: CELLS, runLength: MAX_BATCH }),
    );
    const cpu = await CpuByRole.for(urls, svc.databaseUrl);
    const max = await phase(urls, cellIds, { kind: 'max', batch: MAX_BATCH }, LIVE, SECONDS, cpu);
    const rssBefore = await Promise.all(urls.map(rssMb));
    let rssMax = rssBefore.map(() => 0);
    const sampler = setInterval(async () => {
      const now = await Promise.all(urls.map(rssMb)).catch(() => null);
      if (now) rssMax = rssMax.map((m, i) => Math.max(m, now[i]));
    }, 1000);
    // BENCH_PACED_HZ pins the paced rate (diagnosis: latency at a lighter load); the goal is at half.
    const hz = Number(process.env.BENCH_PACED_HZ ?? Math.max(1, Math.round(max.samplesPerSec / 2 / CELLS)));
    const settledMs = await settle(urls);
    const { result: paced, peakDirtyMb } = await peakDirtyDuring(() =>
      meanMsDuring(urls[0], () => phase(urls, cellIds, { kind: 'paced', hz }, LIVE, HALF_SECONDS, cpu)),
    );
    const half = {
      hz,
      ...paced.result,
      settledAfterMs: settledMs,
      peakDirtyMb,
      commitsPerSec: Math.round(paced.commits / HALF_SECONDS),
      writerWaitMeanMs: paced.writerWaitMeanMs,
      commitMeanMs: paced.commitMeanMs,
      writerWaitP99BoundMs: paced.writerWaitP99BoundMs,
      commitP99BoundMs: paced.commitP99BoundMs,
    };
    clearInterval(sampler);
    // The latency floor of this machine at the half rate, right after the half phase.
    const floorResult = await floorPhase(
      cellIds,
      hz,
      await captureTwinPayload(urls[0], cellIds[0]),
      svc.databaseUrl,
    );
    const floor = {
      p50LatencyMs: floorResult.p50LatencyMs,
      p99LatencyMs: floorResult.p99LatencyMs,
      samplesPerSec: floorResult.samplesPerSec,
      cpu: floorResult.cpu,
    };
    // BENCH_SWEEP: the same paced load at lighter fractions of the max too, for a latency-versus-rate
    // curve (what rate keeps p99 within a target on this machine), after the half phase.
    const sweep = [];
    for (const fraction of process.env.BENCH_SWEEP ? [0.1, 0.2, 0.3, 0.4] : []) {
      const sweepHz = Math.max(1, Math.round((max.samplesPerSec * fraction) / CELLS));
      await settle(urls);
      const r = await phase(urls, cellIds, { kind: 'paced', hz: sweepHz }, LIVE, SECONDS, cpu);
      sweep.push({
        cpu: r.cpu,
        fraction,
        hz: sweepHz,
        samplesPerSec: r.samplesPerSec,
        p50LatencyMs: r.p50LatencyMs,
        p99LatencyMs: r.p99LatencyMs,
      });
    }
    return {
      instances,
      max: { ...max, ofCopy: Math.round((max.samplesPerSec / copyRowsPerSec) * 100) / 100 },
      half,
      floor,
      sweep,
      copyRowsPerSec,
      quietAfterMs,
      rssMb: urls.map((_, i) => ({ before: Math.round(rssBefore[i]), max: Math.round(rssMax[i]) })),
    };
  } finally {
    for (const e of extra) {
      e.child.kill('SIGTERM');
      await e.stopped;
    }
    await svc.stop();
    await redis?.stop();
  }
}

async function bareFanOut(payload: unknown) {
  const port = await freePort();
  const server = child<{ emitted: number }>({
    role: 'bare-server',
    port,
    cells: CELLS,
    seconds: SECONDS,
    payload,
  });
  await server.ready;
  const cellIds = Array.from({ length: CELLS }, (_, i) => `load-${i}`);
  const live = Array.from({ length: FANOUT_LIVE }, () =>
    child<LiveReport>({
      role: 'live',
      token: BENCH_TOKEN,
      url: `http://127.0.0.1:${port}`,
      cells: cellIds,
      seconds: SECONDS,
    }),
  );
  await Promise.all(live.map((l) => l.ready));
  live.forEach((l) => l.go());
  server.go();
  const reports = await Promise.all(live.map((l) => l.done));
  await server.done;
  return { eventsPerSec: Math.round(reports.reduce((n, l) => n + l.events / l.seconds, 0)) };
}

/** A real twin state of `cellId`, from the service at `apiUrl`: what the bare servers send. */
async function captureTwinPayload(apiUrl: string, cellId: string): Promise<unknown> {
  const live = io(`${apiUrl}/live`, { auth: { token: BENCH_TOKEN }, transports: ['websocket'] });
  try {
    await live.timeout(10_000).emitWithAck('subscribe', { cellId });
    const state = new Promise((r) => live.once('twin', r));
    await postOneSample(apiUrl, cellId, 100_000_000 * phasesRun++, 3.7);
    return await state;
  } finally {
    live.close();
  }
}

/** A real twin payload from a service of its own, so the bare fan-out server sends what the service sends. */
async function sampleTwinPayload(serverUrl: string): Promise<unknown> {
  const svc = await startBenchService({}, serverUrl);
  try {
    await createCells(svc.api.url, ['probe']);
    return await captureTwinPayload(svc.api.url, 'probe');
  } finally {
    await svc.stop();
  }
}

/**
 * The paced load at `hz` through the bare relay instead of the service: the same rigs and browsers,
 * the same machine, none of the service's work. Its p50/p99 are the floor the half phase's sit on.
 */
async function floorPhase(cellIds: string[], hz: number, payload: unknown, databaseUrl: string) {
  const port = await freePort();
  const relay = child<{ relayed: number }>({ role: 'bare-relay', port, payload });
  await relay.ready;
  relay.go();
  // The relay in the service's place: the phase's CPU shows what the cadence costs with none of the service's work.
  const cpu = await CpuByRole.for([], databaseUrl, [relay.proc.pid!]);
  try {
    return await phase([`http://127.0.0.1:${port}`], cellIds, { kind: 'paced', hz }, LIVE, SECONDS, cpu);
  } finally {
    relay.proc.send('stop');
    await relay.done;
  }
}

function cpuSharesText(c: CpuShares | null): string {
  if (!c) return '–';
  return `${c.machinePct} (${c.servicePct} / ${c.postgresPct} / ${c.rigsPct} / ${c.browsersPct})`;
}

/** Machine CPU per committed sample: the half phase's smaller batches cost more per sample than the max's. */
function cpuPerSampleUs(c: CpuShares | null, samplesPerSec: number): string {
  return c ? ((c.machinePct / 100 / samplesPerSec) * 1e6).toFixed(1) : '–';
}

async function main() {
  if (process.env.BENCH_RIG_IDLE_GROUP !== '0' && RIG_NICE !== 0) {
    rigGroup = createIdleCpuGroup(`operando-bench-rigs-${process.pid}`);
    process.once('exit', () => rigGroup?.remove());
  }
  const two = process.env.BENCH_INSTANCES !== '1' && (redisAvailable || process.env.BENCH_FORCE_TWO);
  // BENCH_INSTANCES=1 or =2 runs that scenario alone.
  const counts: (1 | 2)[] = !two ? [1] : process.env.BENCH_INSTANCES === '2' ? [2] : [1, 2];
  const serverUrl = await benchPostgresUrl('production');
  const load = [];
  if (process.env.BENCH_SKIP_LOAD !== '1')
    for (const n of counts) load.push(await scenario(serverUrl, n, false));
  const fan = [];
  const skipFan = process.env.BENCH_SKIP_FANOUT === '1';
  if (!skipFan) for (const n of counts) fan.push(await scenario(serverUrl, n, true));
  const bare = skipFan ? { eventsPerSec: NaN } : await bareFanOut(await sampleTwinPayload(serverUrl));
  console.log(JSON.stringify({ load, fan, bare }, null, 2));
  const rigPlace = rigGroup
    ? `in the idle CPU group ${rigGroup.path}`
    : 'in no idle CPU group (needs root and a cgroup cpu controller with cpu.idle)';
  console.log(
    `\ndatabase: ${benchPostgresDescription(serverUrl)}; rig processes at nice ${RIG_NICE}, ${rigPlace}`,
  );
  console.log(`host: ${hostWritebackDescription()}; half phase ${HALF_SECONDS} s, the others ${SECONDS} s`);

  console.log(
    `\n| instances | max committed samples/s | COPY rows/s | of COPY | half rate (${CELLS} cells × Hz) | p50 / p99 sample→browser | of which send→ack p50 / p99 | service's own p99 (bucket bound): writer wait, commit | floor: bare relay p50 / p99, CPU machine (relay / PostgreSQL / rigs / browsers) | CPU at half, % of a core: machine (service / PostgreSQL / rigs / browsers) | machine CPU per sample, max → half | dirty page cache peak (half) | refused batches | RSS per instance (before → max) |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of load) {
    if (!('max' in r) || !r.max) continue;
    console.log(
      `| ${r.instances} | ${r.max.samplesPerSec} | ${r.copyRowsPerSec} | ${r.max.ofCopy}× | ${r.half.samplesPerSec} (${CELLS} × ${r.half.hz}) | ${r.half.p50LatencyMs} / ${r.half.p99LatencyMs} ms | ${r.half.ackP50Ms} / ${r.half.ackP99Ms} ms | ≤ ${r.half.writerWaitP99BoundMs ?? '–'} ms, ≤ ${r.half.commitP99BoundMs ?? '–'} ms | ${r.floor.p50LatencyMs} / ${r.floor.p99LatencyMs} ms, CPU ${cpuSharesText(r.floor.cpu)} | ${cpuSharesText(r.half.cpu)} | ${cpuPerSampleUs(r.max.cpu, r.max.samplesPerSec)} → ${cpuPerSampleUs(r.half.cpu, r.half.samplesPerSec)} µs | ${r.half.peakDirtyMb ?? '–'} MB | ${r.max.refusedBatches + r.half.refusedBatches} | ${r.rssMb.map((m) => `${m.before} → ${m.max} MB`).join(', ')} |`,
    );
  }
  const swept = load.flatMap((r) =>
    'sweep' in r && r.sweep ? [{ instances: r.instances, sweep: r.sweep }] : [],
  );
  if (swept.some((r) => r.sweep.length > 0)) {
    console.log(
      '\n| instances | fraction of max | samples/s | p50 / p99 sample→browser | CPU, % of a core: machine (service / PostgreSQL / rigs / browsers) |',
    );
    console.log('|---|---|---|---|---|');
    for (const r of swept)
      for (const p of r.sweep)
        console.log(
          `| ${r.instances} | ${p.fraction} | ${p.samplesPerSec} | ${p.p50LatencyMs} / ${p.p99LatencyMs} ms | ${cpuSharesText(p.cpu)} |`,
        );
  }
  console.log(`\n| fan-out to ${FANOUT_LIVE} browsers | twin events/s delivered | vs bare socket.io |`);
  console.log('|---|---|---|');
  console.log(`| bare socket.io, same payload and rooms | ${bare.eventsPerSec} | 1.00× |`);
  for (const r of fan) {
    if (!('fanOut' in r) || !r.fanOut) continue;
    console.log(
      `| service, ${r.instances} instance(s), ${FANOUT_BATCH}-sample batches, a state per sample | ${r.fanOut.eventsPerSec} | ${(r.fanOut.eventsPerSec / bare.eventsPerSec).toFixed(2)}× |`,
    );
  }
}

if (process.argv.includes('--child')) {
  process.once('message', (job: Job) => runClientJob(job));
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
