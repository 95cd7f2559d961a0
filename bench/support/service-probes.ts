/** What bench:load reads from a running service: its histograms, readiness, CPU time and memory. */
import { metricsPage, seriesValue } from '../../test/support/metrics';

/** Quiet time after the max phase's backlog has drained, before the half phase starts. */
const SETTLE_MS = 2000;

/** One sample's value from the service's metrics page (`labels` as written, e.g. `{a="b"}`); NaN if absent. */
function metricValue(text: string, name: string, labels = ''): number {
  return seriesValue(text, `${name}${labels}`) ?? NaN;
}

interface HistogramTotals {
  sum: number;
  count: number;
  /** Cumulative count at each bucket's upper bound (seconds), in the order the page lists them. */
  buckets: { le: number; count: number }[];
}

/** The service's own histograms, to split a phase's ack latency into wait and write. */
async function histogramTotals(url: string): Promise<Record<string, HistogramTotals>> {
  const text = await metricsPage(url);
  const out: Record<string, HistogramTotals> = {};
  for (const name of ['twin_ingest_writer_wait_seconds', 'twin_ingest_commit_seconds']) {
    // The commit histogram is labelled by outcome; only committed batches count here.
    const committedOnly = text.includes(`${name}_sum{`);
    const labels = committedOnly ? '{outcome="committed"}' : '';
    const bucket = new RegExp(
      `^${name}_bucket\\{le="([^"]+)"${committedOnly ? ',outcome="committed"' : ''}\\} (\\d+)$`,
    );
    const buckets = text.split('\n').flatMap((line) => {
      const m = bucket.exec(line);
      return m ? [{ le: m[1] === '+Inf' ? Infinity : Number(m[1]), count: Number(m[2]) }] : [];
    });
    out[name] = {
      sum: metricValue(text, `${name}_sum`, labels),
      count: metricValue(text, `${name}_count`, labels),
      buckets,
    };
  }
  return out;
}

/**
 * The upper bound (ms) of the bucket that holds the phase's 99th percentile: the histogram's
 * resolution, not an interpolation. Null when nothing was counted.
 */
function p99BoundMs(before: HistogramTotals, after: HistogramTotals): number | null {
  const total = after.count - before.count;
  if (!(total > 0)) return null;
  for (const [i, b] of after.buckets.entries()) {
    if (b.count - (before.buckets[i]?.count ?? 0) >= 0.99 * total) return b.le * 1000;
  }
  return null;
}

export async function meanMsDuring<T>(url: string, run: () => Promise<T>) {
  const before = await histogramTotals(url);
  const result = await run();
  const after = await histogramTotals(url);
  const mean = (name: string) =>
    Math.round(
      ((after[name].sum - before[name].sum) / Math.max(1, after[name].count - before[name].count)) * 10_000,
    ) / 10;
  const p99 = (name: string) => p99BoundMs(before[name], after[name]);
  return {
    result,
    commits: after.twin_ingest_commit_seconds.count - before.twin_ingest_commit_seconds.count,
    writerWaitMeanMs: mean('twin_ingest_writer_wait_seconds'),
    commitMeanMs: mean('twin_ingest_commit_seconds'),
    writerWaitP99BoundMs: p99('twin_ingest_writer_wait_seconds'),
    commitP99BoundMs: p99('twin_ingest_commit_seconds'),
  };
}

/**
 * Waits until every instance has written and stepped all it was given (the max phase leaves a
 * backlog), then SETTLE_MS more: the half phase measures latency at a steady half rate, not the
 * recovery from overload. Returns how long that took.
 */
export async function settle(urls: string[]): Promise<number> {
  const started = Date.now();
  for (const url of urls) {
    for (let i = 0; i < 600; i++) {
      const { ingest } = (await (await fetch(`${url}/api/v1/ready`)).json()) as {
        ingest: { pendingRows: number; twinRows: number };
      };
      if (ingest.pendingRows === 0 && ingest.twinRows === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return Date.now() - started;
}

export async function cpuSeconds(url: string): Promise<number> {
  return metricValue(await metricsPage(url), 'twin_process_cpu_seconds_total');
}

/**
 * Waits until every instance has been below 10 % of a core for a second (at most 30 s): creating the
 * cells leaves the service busy for a moment (leases, twin loads), and a COPY baseline taken then
 * reads low, which flatters the ingest ratio. Returns how long that took.
 */
export async function quiet(urls: string[]): Promise<number> {
  const started = Date.now();
  let calm = 0;
  while (calm < 2 && Date.now() - started < 30_000) {
    const before = await Promise.all(urls.map(cpuSeconds));
    await new Promise((r) => setTimeout(r, 500));
    const after = await Promise.all(urls.map(cpuSeconds));
    calm = after.every((a, i) => a - before[i] < 0.05) ? calm + 1 : 0;
  }
  return Date.now() - started;
}

export async function rssMb(url: string): Promise<number> {
  return metricValue(await metricsPage(url), 'twin_process_resident_memory_bytes') / 1024 / 1024;
}
