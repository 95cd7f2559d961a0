import { fieldProblemsFrom } from '@twin/contracts';
import type { z } from 'zod';
import { DomainError } from './domain-error';

/** Validates a request part against its contract schema; failures become a 400 naming each field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw DomainError.validation(fieldProblemsFrom(result.error.issues));
  return result.data;
}
