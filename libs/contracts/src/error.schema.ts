/** The one error body every HTTP error uses (issue #3 contract). */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: { field: string; reason: string }[];
  };
}

export interface FieldProblem {
  field: string;
  reason: string;
}

/** zod issues → `{field, reason}` pairs with dotted paths. */
export function fieldProblemsFrom(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldProblem[] {
  return issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : 'body',
    reason: i.message,
  }));
}
