/**
 * The one error type of the library: callers (API, twin pipeline) map it to a 4xx without parsing messages.
 */
export class InterfaceModelInputError extends Error {
  readonly code = 'INTERFACE_MODEL_INPUT';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InterfaceModelInputError';
  }
}

export function requireFinite(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InterfaceModelInputError(field, 'must be a finite number');
  }
  return value;
}

export function requirePositive(field: string, value: unknown): number {
  const v = requireFinite(field, value);
  if (v <= 0) throw new InterfaceModelInputError(field, `must be > 0 (got ${v})`);
  return v;
}

export function requireNonNegative(field: string, value: unknown): number {
  const v = requireFinite(field, value);
  if (v < 0) throw new InterfaceModelInputError(field, `must be >= 0 (got ${v})`);
  return v;
}

export function requireInRange(field: string, value: unknown, min: number, max: number): number {
  const v = requireFinite(field, value);
  if (v < min || v > max) throw new InterfaceModelInputError(field, `must be in [${min}, ${max}] (got ${v})`);
  return v;
}
