import type { SamplePoint } from './measurements';
import {
  INDEX_MAX,
  sampleInputSchema,
  VOLTAGE_MAX_V,
  VOLTAGE_MIN_V,
  type SampleRejection,
} from './ingest.schema';

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

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function optionalIndexOk(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= INDEX_MAX)
  );
}

/**
 * The hot path: plain type checks that accept exactly what `sampleInputSchema` accepts. Anything
 * it refuses goes through zod, which then names the field and the reason.
 */
function fastParse(c: unknown): (SamplePoint & { tsRaw: number | string }) | null {
  if (typeof c !== 'object' || c === null) return null;
  const s = c as Record<string, unknown>;
  const { seq, ts, voltageV, currentA, temperatureC, cycle, step } = s;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) return null;
  if (typeof voltageV !== 'number' || !(voltageV >= VOLTAGE_MIN_V && voltageV <= VOLTAGE_MAX_V)) return null;
  if (typeof currentA !== 'number' || !Number.isFinite(currentA)) return null;
  if (
    temperatureC !== undefined &&
    temperatureC !== null &&
    (typeof temperatureC !== 'number' || !(temperatureC > -273.15 && temperatureC < 1000))
  ) {
    return null;
  }
  if (!optionalIndexOk(cycle) || !optionalIndexOk(step)) return null;
  let tsRaw: number | string;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts)) return null;
    tsRaw = ts;
  } else if (typeof ts === 'string' && ISO_WITH_ZONE.test(ts)) {
    tsRaw = ts;
  } else {
    return null;
  }
  return {
    seq: seq as number,
    tsMs: typeof tsRaw === 'number' ? tsRaw : Date.parse(tsRaw),
    tsRaw,
    voltageV,
    currentA,
    temperatureC: (temperatureC as number | null | undefined) ?? null,
    cycle: (cycle as number | null | undefined) ?? null,
    step: (step as number | null | undefined) ?? null,
  };
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
    const fast = fastParse(candidate);
    if (fast) {
      if (!Number.isFinite(fast.tsMs) || fast.tsMs < EARLIEST_TS_MS) {
        rejected.push({ index, field: 'ts', reason: 'not a valid time' });
      } else if (fast.tsMs > policy.nowMs + policy.maxFutureSkewMs) {
        rejected.push({ index, field: 'ts', reason: 'too far in the future' });
      } else {
        valid.push({
          seq: fast.seq,
          tsMs: fast.tsMs,
          voltageV: fast.voltageV,
          currentA: fast.currentA,
          temperatureC: fast.temperatureC,
          cycle: fast.cycle,
          step: fast.step,
        });
      }
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
