/**
 * Raised for malformed circuits, spectra or fit options. Carries the offending input field so the API layer can map
 * it to a 400 with a pointer, without string-matching messages.
 */
export class EisInputError extends Error {
  override readonly name = 'EisInputError';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
