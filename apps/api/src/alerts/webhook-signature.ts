import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Twin-Signature';
export const DELIVERY_HEADER = 'X-Twin-Delivery';
export const TIMESTAMP_HEADER = 'X-Twin-Timestamp';

/** `sha256=<hex>` of HMAC-SHA256(secret, raw body) (RFC 2104), the form GitHub-style receivers check. */
export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** Constant-time check of a signature header against the body, for receivers and tests. */
export function verifySignature(secret: string, rawBody: string, header: string | null | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signBody(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Wait before retry number `attempt` (1 = after the first failure): base·2^(attempt−1), capped.
 * Exponential back-off keeps a receiver that is down from being hammered while a short outage
 * still recovers within seconds.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
