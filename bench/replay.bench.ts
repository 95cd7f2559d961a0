/**
 * npm run bench:replay — replay throughput at speed "max" through the running service (paged read →
 * twin step with the interface model → throttled emission to one /live client), against two bare
 * reads of the same rows in the same run: the lean paged SELECT (row objects, the issue's baseline)
 * and the replay's own reader (paged binary COPY, decoded, nothing else); then live ingest alone vs.
 * live ingest while replays run (the ≤ 20 % slow-down budget), alternating the two phases with the
 * same load so drift on the shared machine hits both. Prints ratios, not absolute claims.
 * Run: npx tsx bench/replay.bench.ts   (BENCH_REPLAY_ROWS, BENCH_REPLAY_CELLS to resize)
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { io, type Socket } from 'socket.io-client';
import { decodeSampleCopy, samplePageCopySql } from '../apps/api/src/replays/binary-copy-samples';
import { BENCH_TOKEN, startBenchService } from './support/bench-service';

const CELLS = Number(process.env.BENCH_REPLAY_CELLS ?? 4);
const ROWS = Number(process.env.BENCH_REPLAY_ROWS ?? 1_000_000);
const PAGE = 20_000;
const INGEST_CELLS = 8;
const INGEST_PER_CELL = 6_000;
/** alone, with replays, alone, with replays, … */
const INGEST_ROUNDS = 3;
const INGEST_BATCH = 500;
const T0 = Date.UTC(2025, 0, 1);
const CAPACITY_AH = 0.005;

const api = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

/** 1 Hz cycling at C/2 (2 h half-cycles), 25 °C ± drift: the SOC moves like a real campaign. */
function* copyLines(cellIds: string[], perCell: number) {
  const halfPeriod = 7200;
  for (const [c, cellId] of cellIds.entries()) {
    const lines: string[] = [];
    for (let seq = 0; seq < perCell; seq++) {
      const charging = Math.floor(seq / halfPeriod) % 2 === 0;
      const currentA = (charging ? 0.5 : -0.5) * CAPACITY_AH;
      const phase = (seq % halfPeriod) / halfPeriod;
      const voltageV = charging ? 3.4 + 0.8 * phase : 4.2 - 0.8 * phase;
      const ts = new Date(T0 + c * 137 + seq * 1000).toISOString();
      const temperatureC = (25 + Math.sin(seq / 5000)).toFixed(2);
      lines.push(
        `${cellId}\t${seq}\t${ts}\t${voltageV.toFixed(4)}\t${currentA}\t${temperatureC}\t\\N\t\\N\n`,
      );
      if (lines.length === 10_000) yield lines.splice(0).join('');
    }
    if (lines.length) yield lines.join('');
  }
}

async function bareRead(databaseUrl: string, cellIds: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let rows = 0;
  const started = performance.now();
  for (const cellId of cellIds) {
    let after = -1;
    for (;;) {
      const page = await client.query<{ seq: number }>(
        `SELECT seq, floor(extract(epoch FROM ts) * 1000)::float8 AS "tsMs", voltage_v AS "voltageV",
           current_a AS "currentA", temperature_c AS "temperatureC", cycle, step
         FROM samples WHERE cell_id = $1 AND seq > $2 AND ($3::float8 IS NULL OR ts < to_timestamp($3 / 1000.0))
         ORDER BY seq LIMIT $4`,
        [cellId, after, null, PAGE],
      );
      rows += page.rows.length;
      if (page.rows.length < PAGE) break;
      after = Number(page.rows[page.rows.length - 1].seq);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return rows / seconds;
}

/** The replay's reader without the replay: paged binary COPY decoded into samples. */
async function bareCopyRead(databaseUrl: string, cellIds: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let rows = 0;
  const started = performance.now();
  for (const cellId of cellIds) {
    let after = -1;
    for (;;) {
      const chunks: Buffer[] = [];
      const sql = samplePageCopySql(client.escapeLiteral(cellId), after, null, PAGE);
      for await (const chunk of client.query(copyTo(sql))) chunks.push(chunk as Buffer);
      const page = decodeSampleCopy(Buffer.concat(chunks));
      rows += page.length;
      if (page.length < PAGE) break;
      after = page[page.length - 1].seq;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return rows / seconds;
}

async function connect(url: string, ns: string): Promise<Socket> {
  const s = io(`${url}${ns}`, { auth: { token: BENCH_TOKEN }, transports: ['websocket'] });
  await new Promise<void>((res, rej) => {
    s.once('connect', () => res());
    s.once('connect_error', rej);
  });
  return s;
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux; clock ticks of 10 ms). On this
 * shared 2-core machine wall-clock rates swing with other people's load; samples per CPU-second of
 * the service is what one core of its own would do.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function replayRate(
  url: string,
  live: Socket,
  alertRules: 'none' | 'default',
  pid: number,
): Promise<{ wall: number; perCpu: number }> {
  const cpu0 = cpuSeconds(pid);
  const started = performance.now();
  const { body } = await api(url, 'POST', '/replays', { campaignId: 'bench', speed: 'max', alertRules });
  const id = body.replayId as string;
  await live.emitWithAck('subscribe', { replayId: id });
  let twins = 0;
  const onTwin = (s: { replayId: string }) => void (s.replayId === id && twins++);
  live.on('twin', onTwin);
  for (;;) {
    const r = await api(url, 'GET', `/replays/${id}`);
    if (r.body.state === 'finished') break;
    if (r.body.state === 'failed') throw new Error(`replay failed: ${r.body.error}`);
    await new Promise((res) => setTimeout(res, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  live.off('twin', onTwin);
  if (twins === 0) throw new Error('the live client received no replay states');
  return { wall: ROWS / seconds, perCpu: ROWS / cpu };
}

/**
 * Live ingest of INGEST_PER_CELL samples on each of INGEST_CELLS cells, timed until every cell's live
 * twin has applied its last sample (live ingest ends at the twin, not at the commit). A 503 from
 * ingest back-pressure is honoured (wait Retry-After, resend) and counted.
 */
async function ingestRate(
  url: string,
  rigs: Socket,
  startSeq: number,
): Promise<{ rate: number; retries: number }> {
  const started = performance.now();
  let retries = 0;
  const last = startSeq + INGEST_PER_CELL - 1;
  await Promise.all(
    Array.from({ length: INGEST_CELLS }, async (_, c) => {
      for (let from = startSeq; from < startSeq + INGEST_PER_CELL; from += INGEST_BATCH) {
        const samples = Array.from({ length: INGEST_BATCH }, (_, k) => ({
          seq: from + k,
          ts: T0 + (from + k) * 100,
          voltageV: 3.7,
          currentA: (from + k) % 2000 < 1000 ? 0.0025 : -0.0025,
          temperatureC: 25,
        }));
        for (;;) {
          const ack = await rigs.timeout(30_000).emitWithAck('samples', { cellId: `ing-${c}`, samples });
          if (ack.accepted === INGEST_BATCH) break;
          if (ack.error?.code !== 'UNAVAILABLE') {
            throw new Error(`ingest failed: ${JSON.stringify(ack).slice(0, 200)}`);
          }
          retries++;
          await new Promise((res) => setTimeout(res, ack.error.retryAfterMs ?? 1000));
        }
      }
      for (;;) {
        const r = await api(url, 'GET', `/cells/ing-${c}`);
        if (r.body.state?.seq === last) break;
        await new Promise((res) => setTimeout(res, 20));
      }
    }),
  );
  return { rate: (INGEST_CELLS * INGEST_PER_CELL) / ((performance.now() - started) / 1000), retries };
}

async function main() {
  const svc = await startBenchService();
  const url = svc.api.url;
  try {
    const cellIds = Array.from({ length: CELLS }, (_, i) => `replay-${i}`);
    for (const id of [...cellIds, ...Array.from({ length: INGEST_CELLS }, (_, i) => `ing-${i}`)]) {
      await api(url, 'POST', '/cells', {
        id,
        cathode: 'NCM811',
        electrolyte: 'Li6PS5Cl',
        nominalCapacityAh: CAPACITY_AH,
        electrodeAreaCm2: 0.785,
        stackPressureMPa: 10,
        initialSoc: 0.1,
      });
    }
    // The campaign's data goes straight into the table (as an import would); the live twin is not involved.
    const client = new pg.Client({ connectionString: svc.databaseUrl });
    await client.connect();
    await pipeline(
      Readable.from(copyLines(cellIds, Math.floor(ROWS / CELLS))),
      client.query(
        copyFrom(
          'COPY samples (cell_id, seq, ts, voltage_v, current_a, temperature_c, cycle, step) FROM STDIN',
        ),
      ),
    );
    await client.query('ANALYZE samples');
    await client.end();
    await api(url, 'POST', '/campaigns', { id: 'bench', name: 'bench', cellIds });

    const live = await connect(url, '/live');
    await bareRead(svc.databaseUrl, cellIds); // warm the cache
    const readRate = await bareRead(svc.databaseUrl, cellIds);
    const copyRate = await bareCopyRead(svc.databaseUrl, cellIds);
    const pid = svc.api.child.pid!;
    const replayNone = await replayRate(url, live, 'none', pid);
    const replayAlerts = await replayRate(url, live, 'default', pid);

    const rigs = await connect(url, '/rigs');
    await ingestRate(url, rigs, 0); // warm-up
    const alone: number[] = [];
    const withReplays: number[] = [];
    const during: string[] = [];
    let retries = 0;
    const replayCpuShares: number[] = [];
    let nextSeq = INGEST_PER_CELL;
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      const a = await ingestRate(url, rigs, nextSeq);
      alone.push(a.rate);
      retries += a.retries;
      nextSeq += INGEST_PER_CELL;
      const started: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await api(url, 'POST', '/replays', {
          campaignId: 'bench',
          speed: 'max',
          alertRules: 'default',
        });
        started.push(r.body.replayId);
      }
      const w = await ingestRate(url, rigs, nextSeq);
      withReplays.push(w.rate);
      retries += w.retries;
      nextSeq += INGEST_PER_CELL;
      const progress = await Promise.all(started.map((id) => api(url, 'GET', `/replays/${id}`)));
      during.push(
        progress.map((p) => `${p.body.state} ${(100 * p.body.progress.fraction).toFixed(1)} %`).join(', '),
      );
      // Replays' CPU during the phase, from what they stepped and their cost per sample measured above.
      const stepped = progress.reduce((sum, p) => sum + p.body.progress.fraction * ROWS, 0);
      const phaseSeconds = (INGEST_CELLS * INGEST_PER_CELL) / w.rate;
      replayCpuShares.push(stepped / replayAlerts.perCpu / phaseSeconds);
      for (const id of started) await api(url, 'POST', `/replays/${id}/cancel`);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const ingestAlone = mean(alone);
    const ingestWithReplays = mean(withReplays);

    const n = (v: number) => v.toFixed(0).padStart(9);
    console.log(
      `\nbench:replay — ${CELLS} cells, ${ROWS.toLocaleString('en')} stored samples (1 Hz, C/2), PostgreSQL server, 2-core machine`,
    );
    console.log(`  bare paged read (same SELECT)      ${n(readRate)} rows/s      (1.00×)`);
    console.log(
      `  bare binary COPY read (replay's)   ${n(copyRate)} rows/s      (${(copyRate / readRate).toFixed(2)}× read)`,
    );
    for (const [label, rate] of [
      ['replay "max", no alerts → 1 client', replayNone],
      ['replay "max", default alert rules ', replayAlerts],
    ] as const) {
      console.log(
        `  ${label} ${n(rate.wall)} samples/s   (${(rate.wall / readRate).toFixed(2)}× read, ${(rate.wall / copyRate).toFixed(2)}× COPY read; ${n(rate.perCpu).trim()} per service CPU-second)`,
      );
    }
    console.log(
      `  live ingest alone                  ${n(ingestAlone)} rows/s      (${alone.map((v) => v.toFixed(0)).join(' / ')})`,
    );
    console.log(
      `  live ingest with 3 replays started ${n(ingestWithReplays)} rows/s      (${withReplays.map((v) => v.toFixed(0)).join(' / ')}; ${(100 * (ingestWithReplays / ingestAlone - 1)).toFixed(1)} %)`,
    );
    console.log(`  replays when each loaded phase ended: ${during.join(' | ')}`);
    console.log(
      `  replays' estimated share of one core during those phases: ${replayCpuShares.map((v) => `${(100 * v).toFixed(1)} %`).join(' / ')}`,
    );
    console.log(`  ingest batches refused with 503 and resent: ${retries}`);
    live.close();
    rigs.close();
  } finally {
    await svc.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
