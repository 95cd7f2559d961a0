/**
 * `Retry-After` as milliseconds to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns null when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names its weekday and month; a bare "-5" would parse as the year −5.
  if (!/[A-Za-z]{3}/.test(text)) return null;
  const dateMs = Date.parse(text);
  if (!Number.isFinite(dateMs)) return null;
  return Math.max(0, dateMs - nowMs);
}

/** Exponential backoff with a ceiling: 0.5 s, 1 s, 2 s, … up to 30 s. */
export function backoffMs(attempt: number, baseMs = 500, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** attempt);
}
