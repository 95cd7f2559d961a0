import type { ErrorBody, FieldProblem } from '@twin/contracts';

export function errorBody(code: string, message: string, details: FieldProblem[] = []): ErrorBody {
  return { error: { code, message, details } };
}
