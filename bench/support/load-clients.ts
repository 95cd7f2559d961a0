/**
 * The client processes of `npm run bench:load`: a rig (one socket streaming sample batches for its
 * cells, closed-loop or paced), a browser (subscribes to every cell, times each twin state's age on
 * arrival), a bare socket.io server (the fan-out baseline) and a bare relay (the latency floor).
 * Each runs in a process of its own, forked by the bench with its job; runClientJob is that
 * process's entry.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';

/** Batches per cell awaiting their ack in the max phase (a rig that streams on while the last batch commits). */
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 2);
/** A paced rig sends each cell's batch every PACED_BATCH_MS. */
export const PACED_BATCH_MS = 100;
/** Latencies and ack times of a phase's first second (processes starting, code warming) are not kept. */
const WARMUP_MS = 1000;

export type RigMode = { kind: 'max'; batch: number } | { kind: 'paced'; hz: number };
// BENCH_TOKEN is random per process: children get the parent's in their job.
export interface RigJob {
  role: 'rig';
  token: string;
  url: string;
  cells: string[];
  mode: RigMode;
  /** Each phase's rigs are new processes: they continue the cells' seqs from here. */
  firstSeq: number;
  seconds: number;
}
export interface LiveJob {
  role: 'live';
  token: string;
  url: string;
  cells: string[];
  seconds: number;
}
export interface BareServerJob {
  role: 'bare-server';
  port: number;
  cells: number;
  seconds: number;
  payload: unknown;
}
/** The latency floor: rigs and browsers as in the paced phase, through a relay that does no work. */
export interface BareRelayJob {
  role: 'bare-relay';
  port: number;
  payload: unknown;
}
export type Job = RigJob | LiveJob | BareServerJob | BareRelayJob;
/**
 * `lagP99Ms`: the client process's own event-loop delay — how much of a latency is the harness's.
 * `stampAgeMs`: per batch, the newest sample's stamp → the emit handed to the socket (the rig's own delay).
 */
export type RigReport = {
  /** CPU seconds the process used from the go to its report. */
  cpuSeconds: number;
  acked: number;
  refused: number;
  ackMs: number[];
  stampAgeMs: number[];
  lagP99Ms: number;
};
export type LiveReport = {
  latenciesMs: number[];
  events: number;
  seconds: number;
  lagP99Ms: number;
  cpuSeconds: number;
};

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

function loopLagMonitor(): { p99Ms(): number } {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  return { p99Ms: () => (h.disable(), Math.round(h.percentile(99) / 1e5) / 10) };
}

const cellRoom = (cellId: string) => `cell:${cellId}`;

/** Tells the bench this process is set up, then waits for its next message (the phase's go). */
function readyThenWait(): Promise<void> {
  process.send!({ ready: true });
  return new Promise<void>((r) => process.once('message', () => r()));
}

/** A rig process: one socket; per cell IN_FLIGHT batches in flight (max) or one per interval (paced); refusals resent after their hint. */
export async function runRig(job: RigJob): Promise<RigReport> {
  const socket = io(`${job.url}/rigs`, { auth: { token: job.token }, transports: ['websocket'] });
  await new Promise<void>(
    (res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)),
  );
  // Started and connected: wait for the phase's go, given to every rig and browser at once.
  await readyThenWait();
  const cpuAtGo = process.cpuUsage();
  const lag = loopLagMonitor();
  const report: RigReport = { cpuSeconds: 0, acked: 0, refused: 0, ackMs: [], stampAgeMs: [], lagP99Ms: NaN };
  // BENCH_TRACE_DIR: every batch's send time and ack time, to line up with the browsers' traces.
  const trace = process.env.BENCH_TRACE_DIR ? ([] as string[]) : null;
  const startedAt = Date.now();
  const until = startedAt + job.seconds * 1000;
  const seqs = new Map<string, number>();
  const lastTs = new Map<string, number>();
  const nextSamples = (cellId: string, n: number) => {
    const now = Date.now();
    const out = [];
    for (let k = n - 1; k >= 0; k--) {
      const seq = seqs.get(cellId) ?? job.firstSeq;
      seqs.set(cellId, seq + 1);
      // Strictly increasing ts per cell, the newest stamped now (what the browser's latency reads).
      const ts = Math.max((lastTs.get(cellId) ?? 0) + 1, now - k);
      lastTs.set(cellId, ts);
      out.push({ seq, ts, voltageV: 3.6 + 0.2 * Math.sin(seq / 300), currentA: 0.002 });
    }
    return out;
  };
  const sendUntilAcked = async (cellId: string, samples: unknown[]) => {
    for (;;) {
      try {
        const sentMs = Date.now();
        const pending = socket.timeout(30_000).emitWithAck('samples', { cellId, samples });
        const stampAge = Date.now() - (samples[samples.length - 1] as { ts: number }).ts;
        const ack = await pending;
        if (!ack.error) {
          if (sentMs - startedAt >= WARMUP_MS) {
            report.ackMs.push(Date.now() - sentMs);
            report.stampAgeMs.push(stampAge);
          }
          trace?.push(`${sentMs} ${Date.now() - sentMs} ${cellId} ${stampAge}`);
          return void (report.acked += ack.accepted ?? 0);
        }
        report.refused += 1;
        await new Promise((r) => setTimeout(r, ack.error.retryAfterMs ?? 200));
      } catch {
        /* no ack in time: resend */
      }
    }
  };
  const mode = job.mode;
  await Promise.all(
    job.cells.map(async (cellId, i) => {
      if (mode.kind === 'max') {
        // IN_FLIGHT senders per cell: the next batch leaves while the previous one awaits its ack.
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            while (Date.now() < until) await sendUntilAcked(cellId, nextSamples(cellId, mode.batch));
          }),
        );
        return;
      }
      // Paced: the cells of a rig are spread over the interval so batches do not all leave at once.
      const perBatch = (mode.hz * PACED_BATCH_MS) / 1000;
      let owed = 0;
      await new Promise((r) => setTimeout(r, (i / job.cells.length) * PACED_BATCH_MS));
      for (let next = Date.now(); next < until; next += PACED_BATCH_MS) {
        owed += perBatch;
        const n = Math.floor(owed);
        owed -= n;
        if (n > 0) await sendUntilAcked(cellId, nextSamples(cellId, n));
        await new Promise((r) => setTimeout(r, Math.max(0, next + PACED_BATCH_MS - Date.now())));
      }
    }),
  );
  socket.close();
  if (trace) writeFileSync(join(process.env.BENCH_TRACE_DIR!, `rig-${process.pid}.txt`), trace.join('\n'));
  report.lagP99Ms = lag.p99Ms();
  report.cpuSeconds = cpuSecondsSince(cpuAtGo);
  return report;
}

/** A browser process: subscribes to every cell, counts twin events and their age on arrival. */
export async function runLive(job: LiveJob): Promise<LiveReport> {
  const socket = io(`${job.url}/live`, { auth: { token: job.token }, transports: ['websocket'] });
  await new Promise<void>(
    (res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)),
  );
  const latenciesMs: number[] = [];
  let events = 0;
  let measuring = false;
  let firstEventAt = 0;
  // BENCH_TRACE_DIR: every event's arrival time and age, to see whether slow ones cluster in time.
  const trace = process.env.BENCH_TRACE_DIR ? ([] as string[]) : null;
  const onTwin = (state: { ts: string; cellId: string }) => {
    if (!measuring) return;
    events += 1;
    const now = Date.now();
    firstEventAt ||= now;
    if (now - firstEventAt >= WARMUP_MS) latenciesMs.push(now - Date.parse(state.ts));
    trace?.push(`${now} ${now - Date.parse(state.ts)} ${state.cellId}`);
  };
  socket.on('twin', onTwin);
  socket.on('bare', onTwin);
  for (const cellId of job.cells) await socket.timeout(10_000).emitWithAck('subscribe', { cellId });
  await readyThenWait();
  const cpuAtGo = process.cpuUsage();
  measuring = true;
  const lag = loopLagMonitor();
  const started = Date.now();
  await new Promise((r) => setTimeout(r, job.seconds * 1000));
  measuring = false;
  socket.close();
  if (trace) writeFileSync(join(process.env.BENCH_TRACE_DIR!, `live-${process.pid}.txt`), trace.join('\n'));
  return {
    latenciesMs,
    events,
    seconds: (Date.now() - started) / 1000,
    lagP99Ms: lag.p99Ms(),
    cpuSeconds: cpuSecondsSince(cpuAtGo),
  };
}

/** `/live` as the service answers it, without tokens: a `subscribe` joins the cell's room. */
function bareLiveNamespace(server: Server) {
  const live = server.of('/live');
  live.on('connection', (socket) =>
    socket.on('subscribe', (body: { cellId: string }, ack: (r: unknown) => void) => {
      void socket.join(cellRoom(body.cellId));
      ack({ ok: true });
    }),
  );
  return live;
}

/**
 * Bare socket.io: the same namespace, rooms and payload, no database, no model; emits round-robin
 * over the cells' rooms as fast as the event loop allows, yielding every 200 emits so sockets flush.
 */
export async function runBareServer(job: BareServerJob): Promise<{ emitted: number }> {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'] });
  const live = bareLiveNamespace(server);
  await new Promise<void>((r) => http.listen(job.port, '127.0.0.1', () => r()));
  await readyThenWait();
  let emitted = 0;
  const until = Date.now() + job.seconds * 1000;
  while (Date.now() < until) {
    for (let k = 0; k < 200; k++, emitted++) {
      const cell = emitted % job.cells;
      live
        .to(cellRoom(`load-${cell}`))
        .emit('bare', { ...(job.payload as object), ts: new Date().toISOString() });
    }
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 500));
  void server.close();
  return { emitted };
}

/**
 * Bare relay: the service's two namespaces with none of its work. A rig's batch is acknowledged at
 * once (no validation, database or model) and its newest sample goes to the cell's room as a twin
 * state of the real payload's shape. The same rigs and browsers through it give the latency that
 * this machine and socket.io leave at a given load: the floor under the service's own.
 */
export async function runBareRelay(job: BareRelayJob): Promise<{ relayed: number }> {
  const http = createServer();
  const server = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 8e6 });
  const live = bareLiveNamespace(server);
  let relayed = 0;
  server.of('/rigs').on('connection', (socket) =>
    socket.on('samples', (body: { cellId: string; samples: { ts: number }[] }, ack: (r: unknown) => void) => {
      relayed += 1;
      ack({ accepted: body.samples.length, duplicates: 0, rejected: [] });
      const newest = body.samples[body.samples.length - 1];
      live.to(cellRoom(body.cellId)).emit('twin', {
        ...(job.payload as object),
        cellId: body.cellId,
        ts: new Date(newest.ts).toISOString(),
      });
    }),
  );
  await new Promise<void>((r) => http.listen(job.port, '127.0.0.1', () => r()));
  // Stops when the bench says so (the message after the go), once its rigs and browsers have reported.
  await readyThenWait();
  await new Promise<void>((r) => process.once('message', () => r()));
  void server.close();
  return { relayed };
}

/** The entry of a forked client process: runs its job and sends the report back. */
export function runClientJob(job: Job): void {
  // In a session of its own a client no longer gets the terminal's Ctrl-C: it ends with the bench.
  process.once('disconnect', () => process.exit(0));
  const run =
    job.role === 'rig'
      ? runRig(job)
      : job.role === 'live'
        ? runLive(job)
        : job.role === 'bare-relay'
          ? runBareRelay(job)
          : runBareServer(job);
  run.then(
    (report) => process.send!(report, () => process.exit(0)),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
