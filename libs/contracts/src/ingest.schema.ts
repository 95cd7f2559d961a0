import { z } from 'zod';

/** Volt limits of a sane cell voltage (issue #3 contract: 0–10 V). */
export const VOLTAGE_MIN_V = 0;
export const VOLTAGE_MAX_V = 10;
export const MAX_SAMPLES_PER_BATCH = 10_000;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const finite = (name: string) =>
  z
    .number({ error: (iss) => (iss.input === undefined ? 'required' : `${name} must be a number`) })
    .refine(Number.isFinite, { message: `${name} must be finite` });

/** cycle and step are stored as PostgreSQL `integer`: a larger value would fail the whole batch's write. */
export const INDEX_MAX = 2_147_483_647;

const optionalIndex = z
  .number()
  .int('must be an integer')
  .nonnegative('must be ≥ 0')
  .max(INDEX_MAX, `must be ≤ ${INDEX_MAX}`)
  .nullable()
  .optional();

/** Timestamp as ISO-8601 with an explicit zone, or epoch milliseconds. */
export const timestampSchema = z.union(
  [
    z.number().refine(Number.isFinite, 'must be finite'),
    z.string().regex(ISO_8601, 'must be ISO-8601 with a time zone, or epoch ms'),
  ],
  { error: 'must be ISO-8601 with a time zone, or epoch ms' },
);

/** A sample as a rig sends it (issue #3 contract). */
export const sampleInputSchema = z.object({
  seq: z
    .number({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a number') })
    .int('must be an integer')
    .nonnegative('must be ≥ 0')
    .max(Number.MAX_SAFE_INTEGER, 'too large'),
  ts: timestampSchema,
  voltageV: finite('voltageV').refine(
    (v) => v >= VOLTAGE_MIN_V && v <= VOLTAGE_MAX_V,
    `must be within ${VOLTAGE_MIN_V}–${VOLTAGE_MAX_V} V`,
  ),
  currentA: finite('currentA'),
  temperatureC: finite('temperatureC')
    .refine((t) => t > -273.15 && t < 1000, 'must be within -273.15–1000 °C')
    .nullable()
    .optional(),
  cycle: optionalIndex,
  step: optionalIndex,
});
export type SampleInput = z.infer<typeof sampleInputSchema>;

export interface SampleRejection {
  index: number;
  field: string;
  reason: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: SampleRejection[];
}

export const socketSamplesSchema = z.object({
  cellId: z.string(),
  samples: z.array(z.unknown()).max(MAX_SAMPLES_PER_BATCH, `at most ${MAX_SAMPLES_PER_BATCH} samples`),
});
