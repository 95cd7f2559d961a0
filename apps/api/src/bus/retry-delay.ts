/**
 * Back-off before the next try of a message that could not be made durable: base × 2^(attempt−1),
 * capped, so a database outage costs a few tries a minute per message instead of a busy loop.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
