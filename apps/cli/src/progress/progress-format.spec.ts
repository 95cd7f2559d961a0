import { describe, expect, it } from 'vitest';
import { etaMs, formatDuration, progressLine } from './progress-format';

describe('progress formatting', () => {
  it('formats durations as m:ss and h:mm:ss', () => {
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_600_000 + 3 * 60_000 + 9_000)).toBe('1:03:09');
    expect(formatDuration(0)).toBe('0:00');
  });

  it('estimates the remaining time from bytes: a quarter read in 10 s leaves 30 s', () => {
    expect(etaMs({ bytesRead: 250, totalBytes: 1000, rows: 7, elapsedMs: 10_000 })).toBe(30_000);
    expect(etaMs({ bytesRead: 0, totalBytes: 1000, rows: 0, elapsedMs: 10 })).toBeNull();
  });

  it('draws the bar proportionally and reports rows/s', () => {
    const line = progressLine({ bytesRead: 500, totalBytes: 1000, rows: 3000, elapsedMs: 2000 }, 10);
    expect(line).toBe('[#####-----]  50.0%  3,000 rows  1,500 rows/s  ETA 0:02');
    expect(progressLine({ bytesRead: 1000, totalBytes: 1000, rows: 1, elapsedMs: 1000 }, null)).toBe(
      '100.0%  1 rows  1 rows/s  ETA 0:00',
    );
  });
});
