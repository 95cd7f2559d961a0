import { z } from 'zod';
import { CELL_ID_PATTERN } from './cell.schema';

export const ROLES = ['admin', 'rig', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const createTokenSchema = z.object({
  role: z.enum(ROLES, { error: 'must be one of admin, rig, viewer' }),
  label: z.string({ error: 'required' }).min(1, 'required').max(200),
  cellIds: z.array(z.string().regex(CELL_ID_PATTERN, 'must be a cell id')).max(10_000).optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;
