import { DomainError } from '../common/domain-error';

/** `from`/`to` as ISO-8601 or epoch ms; absent → null. */
export function parseTimeParam(value: unknown, field: string): number | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string') throw DomainError.validation([{ field, reason: 'must be a single value' }]);
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw DomainError.validation([{ field, reason: 'must be ISO-8601 or epoch ms' }]);
  return ms;
}

export function parseLimit(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw DomainError.validation([{ field: 'limit', reason: `must be an integer within 1–${max}` }]);
  }
  return n;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** `10s`, `5m`, `1h`, `1d` → seconds. */
export function parseBucket(value: unknown): number {
  if (value === undefined || value === '') return 10;
  const match = typeof value === 'string' ? /^(\d+)(s|m|min|h|d)$/.exec(value) : null;
  if (!match || Number(match[1]) === 0) {
    throw DomainError.validation([{ field: 'bucket', reason: 'must look like 10s, 5m, 1h or 1d' }]);
  }
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

/** The paging cursor is opaque to clients; inside it is the last seq returned. */
export function encodeCursor(lastSeq: number): string {
  return Buffer.from(`seq:${lastSeq}`).toString('base64url');
}

export function decodeCursor(value: unknown): number {
  if (value === undefined || value === '') return -1;
  const text = typeof value === 'string' ? Buffer.from(value, 'base64url').toString('utf8') : '';
  const match = /^seq:(\d+)$/.exec(text);
  if (!match) throw DomainError.validation([{ field: 'next', reason: 'not a cursor from this API' }]);
  return Number(match[1]);
}
