import { CELL_ID_PATTERN, coatingSchema } from '@twin/contracts';
import { z } from 'zod';

/** ISO-8601 or epoch ms → epoch ms. */
const timeMs = z
  .union([z.string(), z.number()], { error: 'must be an ISO-8601 time or epoch ms' })
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time or epoch ms' });
      return z.NEVER;
    }
    return ms;
  });

const cellOverridesShape = {
  cathode: z.string().min(1).optional(),
  electrolyte: z.string().min(1).optional(),
  coating: coatingSchema.nullable().optional(),
  stackPressureMPa: z
    .number({ error: 'must be a number' })
    .refine((v) => Number.isFinite(v) && v >= 0, 'must be ≥ 0')
    .optional(),
  modelParameters: z.record(z.string(), z.unknown()).optional(),
};
const cellOverridesSchema = z.strictObject(cellOverridesShape);

export const replayOverridesSchema = z.strictObject({
  ...cellOverridesShape,
  cells: z.record(z.string(), cellOverridesSchema).optional(),
});

/** `POST /replays` body (issue #8). Alert rule objects are checked by `@twin/alerts`. */
export const createReplaySchema = z
  .strictObject({
    campaignId: z.string().min(1).optional(),
    cellIds: z.array(z.string().regex(CELL_ID_PATTERN, 'not a cell id')).min(1).max(1000).optional(),
    from: timeMs.optional(),
    to: timeMs.optional(),
    speed: z.union(
      [
        z.literal('max'),
        z.number().refine((v) => Number.isFinite(v) && v >= 1 && v <= 1e6, 'must be within 1–1e6'),
      ],
      { error: 'must be a number within 1–1e6 or "max"' },
    ),
    overrides: replayOverridesSchema.optional(),
    alertRules: z
      .union([z.literal('default'), z.literal('none'), z.array(z.record(z.string(), z.unknown())).max(200)], {
        error: 'must be "default", "none" or a list of rules',
      })
      .default('default'),
    /** Keeps every per-sample twin state in memory (tests, debugging). */
    recordStates: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if ((v.campaignId === undefined) === (v.cellIds === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['campaignId'],
        message: 'give exactly one of campaignId or cellIds',
      });
    }
    if (v.from !== undefined && v.to !== undefined && v.to <= v.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    }
  });
export type CreateReplayInput = z.infer<typeof createReplaySchema>;

export const seekSchema = z.strictObject({ ts: timeMs });

const tags = z.array(z.string().min(1).max(64)).max(32);

export const createCampaignSchema = z.strictObject({
  id: z.string({ error: 'required' }).regex(CELL_ID_PATTERN, 'must match [A-Za-z0-9._-]{1,64}'),
  name: z.string({ error: 'required' }).min(1, 'required').max(200),
  description: z.string().max(2000).nullable().optional(),
  cellIds: z.array(z.string().regex(CELL_ID_PATTERN, 'not a cell id'), { error: 'required' }).max(1000),
  tags: tags.optional(),
});
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;

export const patchCampaignSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).nullable().optional(),
  cellIds: z.array(z.string().regex(CELL_ID_PATTERN, 'not a cell id')).max(1000).optional(),
  tags: tags.optional(),
});
export type PatchCampaignInput = z.infer<typeof patchCampaignSchema>;
