import { EisInputError } from '@twin/eis';
import { DomainError } from '../common/domain-error';

/** The EIS library names the bad field; the API answers 400 with it. */
export function eisCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof EisInputError) {
      throw DomainError.validation([{ field: error.field, reason: error.reason }], error.message);
    }
    throw error;
  }
}
