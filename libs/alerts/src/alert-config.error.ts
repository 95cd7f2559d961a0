export type AlertConfigErrorCode =
  'ALERT_INVALID_PARAMS' | 'ALERT_UNKNOWN_DETECTOR' | 'ALERT_INVALID_OBSERVATION' | 'ALERT_DUPLICATE_RULE_ID';

/** Raised for a rule or detector configuration that cannot work; the API maps the code to a 400. */
export class AlertConfigError extends Error {
  constructor(
    readonly code: AlertConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AlertConfigError';
  }
}

export function requireFinite(name: string, value: number): number {
  if (!Number.isFinite(value)) throw new AlertConfigError('ALERT_INVALID_PARAMS', `${name} must be finite`);
  return value;
}

export function requirePositive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', `${name} must be a positive number`);
  }
  return value;
}

export function requireNonNegative(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', `${name} must be a non-negative number`);
  }
  return value;
}

export function requirePositiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', `${name} must be a positive integer`);
  }
  return value;
}
