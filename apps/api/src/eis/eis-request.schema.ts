import { z } from 'zod';

const finiteArray = z.array(z.number({ error: 'must be numbers' }), { error: 'must be an array of numbers' });

/** Body of /eis/fit, /eis/validate and /eis/drt; element-level checks are the EIS library's. */
export const eisSpectrumSchema = z.object({
  frequenciesHz: finiteArray.max(100_000, 'at most 100,000 points'),
  zRealOhm: finiteArray.max(100_000, 'at most 100,000 points'),
  zImagOhm: finiteArray.max(100_000, 'at most 100,000 points'),
});

export const eisFitSchema = eisSpectrumSchema.extend({
  circuit: z.string({ error: 'required' }).min(1, 'required').max(500),
  initialGuess: z.record(z.string(), z.number()).optional(),
  bounds: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
  weighting: z
    .enum(['unit', 'modulus', 'proportional'], { error: 'must be unit, modulus or proportional' })
    .optional(),
});

export const eisDrtSchema = eisSpectrumSchema.extend({
  lambda: z.number().positive('must be > 0').optional(),
});

/** A live spectrum: `POST /cells/:id/spectra` and the `spectrum` socket event on /rigs. */
export const spectrumInputSchema = z.object({
  ts: z.union([z.number().refine(Number.isFinite, 'must be finite'), z.string().min(1)], {
    error: 'required',
  }),
  soc: z.number().min(0, 'must be within 0–1').max(1, 'must be within 0–1').nullable().optional(),
  temperatureC: z.number().refine(Number.isFinite, 'must be finite').nullable().optional(),
  cycle: z.number().int().nonnegative().nullable().optional(),
  circuit: z.string().min(1).max(500).optional(),
  points: z
    .array(
      z.object({
        fHz: z.number().refine((f) => Number.isFinite(f) && f > 0, 'must be a finite frequency > 0'),
        zRealOhm: z.number().refine(Number.isFinite, 'must be finite'),
        zImagOhm: z.number().refine(Number.isFinite, 'must be finite'),
      }),
      { error: 'required' },
    )
    .min(5, 'at least 5 points')
    .max(10_000, 'at most 10,000 points'),
});
export type SpectrumInput = z.infer<typeof spectrumInputSchema>;
