import { describe, expect, it } from 'vitest';
import { parseDurationSeconds, parseWallClock } from './date-time';

describe('parseWallClock', () => {
  it.each([
    ['01/10/2024 11:02:29.886', Date.UTC(2024, 0, 10, 11, 2, 29, 886)], // EC-Lab, US order
    ['25/10/2024 11:02:29', Date.UTC(2024, 9, 25, 11, 2, 29)], // first field > 12 → day first
    ['19.06.2023 17:56:53', Date.UTC(2023, 5, 19, 17, 56, 53)], // dotted = day first
    ['2022-05-18 16:27:52', Date.UTC(2022, 4, 18, 16, 27, 52)],
    ['23-Nov-23 3:56:11 PM', Date.UTC(2023, 10, 23, 15, 56, 11)],
    ['23-Nov-23 12:05:00 AM', Date.UTC(2023, 10, 23, 0, 5, 0)],
    ['4/23/2018 16:43:15', Date.UTC(2018, 3, 23, 16, 43, 15)],
  ])('%s (no zone → zoned false)', (text, ms) => {
    expect(parseWallClock(text)).toEqual({ ms, zoned: false });
  });

  it('honours an explicit offset', () => {
    expect(parseWallClock('2024-01-01T12:00:00+02:00')).toEqual({
      ms: Date.UTC(2024, 0, 1, 10),
      zoned: true,
    });
    expect(parseWallClock('2024-01-01 12:00:00Z')).toEqual({ ms: Date.UTC(2024, 0, 1, 12), zoned: true });
  });

  it('reads a/b/yyyy day-first when asked', () => {
    expect(parseWallClock('01/02/2024 00:00:00', { slash: 'dmy' })?.ms).toBe(Date.UTC(2024, 1, 1));
  });

  it('rejects text that is not a date', () => {
    expect(parseWallClock('13/13/2024 10:00:00')).toBeUndefined();
    expect(parseWallClock('yesterday')).toBeUndefined();
  });
});

describe('parseDurationSeconds', () => {
  it('reads hours past 24 and day-prefixed durations', () => {
    expect(parseDurationSeconds('144:02:18')).toBe(144 * 3600 + 2 * 60 + 18);
    expect(parseDurationSeconds('1d 01:00:00.5')).toBe(86400 + 3600 + 0.5);
    expect(parseDurationSeconds('12.5')).toBeUndefined();
  });
});
