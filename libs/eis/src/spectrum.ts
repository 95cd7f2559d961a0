import { EisInputError } from './eis-input-error';

/** One impedance spectrum as parallel arrays; capacitive points have zImagOhm < 0. */
export interface Spectrum {
  frequenciesHz: ArrayLike<number>;
  zRealOhm: ArrayLike<number>;
  zImagOhm: ArrayLike<number>;
}

/** A spectrum copied into Float64Arrays after validation, so hot loops never see plain arrays or NaN. */
export interface CheckedSpectrum {
  frequenciesHz: Float64Array;
  zRealOhm: Float64Array;
  zImagOhm: Float64Array;
}

function checkFinite(field: string, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new EisInputError(`${field}[${i}]`, `must be a finite number, got ${String(v)}`);
    }
    out[i] = v;
  }
  return out;
}

/** Throws EisInputError naming the field when lengths differ, values are non-finite or frequencies are not > 0. */
export function checkSpectrum(spectrum: Spectrum, minPoints = 1): CheckedSpectrum {
  const n = spectrum.frequenciesHz?.length ?? 0;
  if (spectrum.zRealOhm?.length !== n) {
    throw new EisInputError(
      'zRealOhm',
      `length ${spectrum.zRealOhm?.length} differs from frequenciesHz (${n})`,
    );
  }
  if (spectrum.zImagOhm?.length !== n) {
    throw new EisInputError(
      'zImagOhm',
      `length ${spectrum.zImagOhm?.length} differs from frequenciesHz (${n})`,
    );
  }
  if (n < minPoints) {
    throw new EisInputError('frequenciesHz', `needs at least ${minPoints} points, got ${n}`);
  }
  const frequenciesHz = checkFinite('frequenciesHz', spectrum.frequenciesHz);
  for (let i = 0; i < n; i++) {
    if (frequenciesHz[i] <= 0) throw new EisInputError(`frequenciesHz[${i}]`, 'must be > 0');
  }
  return {
    frequenciesHz,
    zRealOhm: checkFinite('zRealOhm', spectrum.zRealOhm),
    zImagOhm: checkFinite('zImagOhm', spectrum.zImagOhm),
  };
}
