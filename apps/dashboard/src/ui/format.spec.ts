import { describe, expect, it } from 'vitest';
import { formatDuration, formatSoc, formatTime, formatValue } from './format';
import { regimeName } from './palette';

describe('formatSoc', () => {
  it('renders the contract text with one decimal and a spaced percent sign', () => {
    expect(formatSoc(0.4234)).toBe('42.3 %');
    expect(formatSoc(0.5)).toBe('50.0 %');
    expect(formatSoc(1.0049)).toBe('100.5 %');
    expect(formatSoc(-0.012)).toBe('-1.2 %');
  });
  it('shows a dash for missing values', () => {
    expect(formatSoc(null)).toBe('—');
    expect(formatSoc(Number.NaN)).toBe('—');
  });
});

describe('formatValue', () => {
  it('keeps three significant digits and the unit', () => {
    expect(formatValue(3.61234, 'V')).toBe('3.61 V');
    expect(formatValue(0.0012, 'A')).toBe('0.0012 A');
    expect(formatValue(12, 'nm')).toBe('12 nm');
    expect(formatValue(4907.1, 'MV/m')).toBe('4907 MV/m');
  });
  it('switches to exponent notation for very large and very small magnitudes', () => {
    expect(formatValue(2.5e8, 'V/m')).toBe('2.50e+8 V/m');
    expect(formatValue(4e-6, 'A')).toBe('4.00e-6 A');
  });
  it('refuses non-numbers', () => {
    expect(formatValue(undefined, 'V')).toBe('—');
    expect(formatValue('3', 'V')).toBe('—');
  });
});

describe('formatTime and formatDuration', () => {
  it('prints UTC without milliseconds', () => {
    expect(formatTime('2026-11-01T08:00:05.250Z')).toBe('2026-11-01 08:00:05 UTC');
    expect(formatTime('nope')).toBe('—');
  });
  it('splits seconds into hours, minutes and seconds', () => {
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('regimeName (palette)', () => {
  it('reads the name from a twin state string or the classifier object', () => {
    expect(regimeName('mixed')).toBe('mixed');
    expect(regimeName({ regime: 'electrostatic', rule: 'resistance' })).toBe('electrostatic');
    expect(regimeName({ rule: 'x' })).toBeNull();
    expect(regimeName('')).toBeNull();
    expect(regimeName(undefined)).toBeNull();
  });
});
