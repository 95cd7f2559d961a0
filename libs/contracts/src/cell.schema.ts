import { z } from 'zod';

export const CELL_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const positive = (name: string) =>
  z.number({ error: `${name} must be a number` }).refine((v) => Number.isFinite(v) && v > 0, 'must be > 0');

export const coatingSchema = z.object({
  material: z.string().min(1, 'required'),
  thicknessNm: positive('thicknessNm'),
});

/** `POST /cells` body (issue #3 contract). Materials are checked against the material table by the service. */
export const createCellSchema = z.object({
  id: z.string({ error: 'required' }).regex(CELL_ID_PATTERN, 'must match [A-Za-z0-9._-]{1,64}'),
  name: z.string().max(200).optional(),
  cathode: z.string({ error: 'required' }).min(1, 'required'),
  electrolyte: z.string({ error: 'required' }).min(1, 'required'),
  anode: z.string().min(1).optional(),
  coating: coatingSchema.nullable().optional(),
  nominalCapacityAh: positive('nominalCapacityAh'),
  electrodeAreaCm2: positive('electrodeAreaCm2'),
  stackPressureMPa: z
    .number({ error: 'stackPressureMPa must be a number' })
    .refine((v) => Number.isFinite(v) && v >= 0, 'must be ≥ 0'),
  initialSoc: z
    .number()
    .refine((v) => Number.isFinite(v) && v >= 0 && v <= 1, 'must be within 0–1')
    .optional(),
  tags: z.array(z.string().max(64)).max(32).optional(),
  /** Per-cell interface-model parameters and material overrides (docs/model.md), checked by the model. */
  modelParameters: z.record(z.string(), z.unknown()).optional(),
});
export type CreateCellInput = z.infer<typeof createCellSchema>;

export interface CellConfig {
  id: string;
  name: string | null;
  cathode: string;
  electrolyte: string;
  anode: string | null;
  coating: { material: string; thicknessNm: number } | null;
  nominalCapacityAh: number;
  electrodeAreaCm2: number;
  stackPressureMPa: number;
  initialSoc: number;
  tags: string[];
  modelParameters: Record<string, unknown> | null;
  createdAt: string;
}
