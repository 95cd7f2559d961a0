import type { SamplePoint } from './measurements';
import { sampleInputSchema, type SampleRejection } from './ingest.schema';

export interface TimestampPolicy {
  /** Reject timestamps later than now + this skew (clocks drift, but not by days). */
  maxFutureSkewMs: number;
  nowMs: number;
}

/** Stands in for an NDJSON line that did not parse, so it is rejected by index like any bad sample. */
export const INVALID_JSON_LINE: unique symbol = Symbol('invalid-json-line');

const EARLIEST_TS_MS = Date.UTC(1970, 0, 1);

export interface ValidatedBatch {
  valid: SamplePoint[];
  rejected: SampleRejection[];
}

/**
 * Validates each sample on its own so one bad row never sinks the rest of a batch (issue #3:
 * "rejected one by one with the field and the reason; the valid rest of the batch is still stored").
 */
export function validateSamples(raw: readonly unknown[], policy: TimestampPolicy): ValidatedBatch {
  const valid: SamplePoint[] = [];
  const rejected: SampleRejection[] = [];
  raw.forEach((candidate, index) => {
    if (candidate === INVALID_JSON_LINE) {
      rejected.push({ index, field: 'sample', reason: 'not valid JSON' });
      return;
    }
    const parsed = sampleInputSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length > 0 ? issue.path.join('.') : 'sample';
      const reason =
        issue.code === 'invalid_type' && issue.path.length === 0 ? 'must be an object' : issue.message;
      rejected.push({ index, field, reason });
      return;
    }
    const s = parsed.data;
    const tsMs = typeof s.ts === 'number' ? s.ts : Date.parse(s.ts);
    if (!Number.isFinite(tsMs) || tsMs < EARLIEST_TS_MS) {
      rejected.push({ index, field: 'ts', reason: 'not a valid time' });
      return;
    }
    if (tsMs > policy.nowMs + policy.maxFutureSkewMs) {
      rejected.push({ index, field: 'ts', reason: 'too far in the future' });
      return;
    }
    valid.push({
      seq: s.seq,
      tsMs,
      voltageV: s.voltageV,
      currentA: s.currentA,
      temperatureC: s.temperatureC ?? null,
      cycle: s.cycle ?? null,
      step: s.step ?? null,
    });
  });
  return { valid, rejected };
}
