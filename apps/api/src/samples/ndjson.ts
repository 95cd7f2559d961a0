import { INVALID_JSON_LINE } from '@twin/contracts';

/**
 * NDJSON body → array of parsed lines. A line that is not JSON becomes a marker the per-sample
 * validator rejects on its own, so one torn line never drops the rest of the batch.
 */
export function parseNdjson(body: string): unknown[] {
  const out: unknown[] = [];
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      out.push(JSON.parse(trimmed));
    } catch {
      out.push(INVALID_JSON_LINE);
    }
  }
  return out;
}
