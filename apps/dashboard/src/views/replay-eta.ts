/**
 * Seconds left for a replay: the server's estimate when it sends one, else the mean rate so far,
 * (1 − f)·elapsed / f. Null before any progress (no rate to extrapolate from).
 */
export function replayEtaSeconds(
  fraction: number,
  elapsedSec: number,
  serverEta?: number | null,
): number | null {
  if (typeof serverEta === 'number' && Number.isFinite(serverEta) && serverEta >= 0) return serverEta;
  if (!(fraction > 0) || !(elapsedSec > 0)) return null;
  if (fraction >= 1) return 0;
  return ((1 - fraction) * elapsedSec) / fraction;
}

const TERMINAL = new Set([
  'completed',
  'complete',
  'done',
  'finished',
  'cancelled',
  'canceled',
  'failed',
  'error',
]);

export function isTerminal(state: string): boolean {
  return TERMINAL.has(state.toLowerCase());
}

/** Progress percentage for the bar, clamped to 0–100 with one decimal. */
export function progressPercent(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
}
