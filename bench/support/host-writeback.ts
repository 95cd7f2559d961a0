import { readOrNull } from './read-or-null';

/**
 * The kernel's dirty-page writeback on this host, which sets when PostgreSQL's data-file writes reach the
 * disk. PostgreSQL 15 extends a table or index by writing a page of zeros through the page cache, and
 * the kernel writes a file back whole once it has been dirty for `vm.dirty_expire_centisecs`: at the
 * default 30 s, a burst of ~600 MB at bench:load's half rate, which holds the commits back for 100–300 ms
 * (docs/benchmarks.md › load, seventh round; docs/deploy.md › Disk writeback). The report names the
 * settings and the half phase's peak of dirty page cache, so a run's tail can be read against them.
 */
const SETTINGS = [
  'dirty_expire_centisecs',
  'dirty_writeback_centisecs',
  'dirty_background_bytes',
  'dirty_background_ratio',
];

const SAMPLE_EVERY_MS = 100;

export function hostWritebackDescription(): string {
  const values = SETTINGS.map((name) => readOrNull(`/proc/sys/vm/${name}`)?.trim());
  if (values.some((v) => v === undefined)) return 'host writeback settings not readable';
  return SETTINGS.map((name, i) => `vm.${name}=${values[i]}`).join(', ');
}

/** Dirty page cache in MB (/proc/meminfo); null where there is none to read. */
function dirtyMb(): number | null {
  const line = readOrNull('/proc/meminfo')
    ?.split('\n')
    .find((l) => l.startsWith('Dirty:'));
  return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : null;
}

/** Runs `run` while sampling the dirty page cache: its peak is the largest writeback burst that could come. */
export async function peakDirtyDuring<T>(
  run: () => Promise<T>,
): Promise<{ result: T; peakDirtyMb: number | null }> {
  let peak = dirtyMb();
  const sampler = setInterval(() => {
    const now = dirtyMb();
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, SAMPLE_EVERY_MS);
  try {
    return { result: await run(), peakDirtyMb: peak };
  } finally {
    clearInterval(sampler);
  }
}
