/** Replay limits, parsed once at boot from the environment; a bad value stops the boot, named. */
export interface ReplaysConfig {
  /** Replays stepping at the same time; the rest wait in the queue. */
  maxRunning: number;
  /** Queued replays beyond which `POST /replays` answers 429. */
  maxQueued: number;
  /** Share of wall time all replays together may take while live ingest is active (0–1]. */
  liveShare: number;
  /** Rows per page read from the samples table (per cell; at most two pages per cell are held). */
  pageRows: number;
}

export const REPLAYS_CONFIG = Symbol('REPLAYS_CONFIG');

export function loadReplaysConfig(env: NodeJS.ProcessEnv = process.env): ReplaysConfig {
  const problems: string[] = [];
  const num = (name: string, fallback: number, ok: (v: number) => boolean, rule: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!ok(value)) {
      problems.push(`${name} must be ${rule} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const config: ReplaysConfig = {
    maxRunning: num('REPLAY_MAX_RUNNING', 2, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1'),
    maxQueued: num('REPLAY_MAX_QUEUED', 8, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0'),
    liveShare: num('REPLAY_LIVE_SHARE', 0.1, (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    pageRows: num('REPLAY_PAGE_ROWS', 20_000, (v) => Number.isInteger(v) && v >= 100, 'an integer ≥ 100'),
  };
  if (problems.length > 0) throw new Error(`invalid replay configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
