import { describe, expect, it } from 'vitest';
import { isTerminal, progressPercent, replayEtaSeconds } from './replay-eta';

describe('replayEtaSeconds', () => {
  it('prefers the server estimate', () => {
    expect(replayEtaSeconds(0.5, 10, 42)).toBe(42);
  });
  it('extrapolates the mean rate: a quarter done in 30 s leaves 90 s', () => {
    expect(replayEtaSeconds(0.25, 30)).toBeCloseTo(90, 12);
    expect(replayEtaSeconds(1, 30)).toBe(0);
  });
  it('has no estimate before progress', () => {
    expect(replayEtaSeconds(0, 5)).toBeNull();
    expect(replayEtaSeconds(0.1, 0)).toBeNull();
  });
});

describe('progressPercent and isTerminal', () => {
  it('clamps and rounds to one decimal', () => {
    expect(progressPercent(0.12345)).toBe(12.3);
    expect(progressPercent(1.2)).toBe(100);
    expect(progressPercent(-0.1)).toBe(0);
    expect(progressPercent(Number.NaN)).toBe(0);
  });
  it('knows finished states whatever their case', () => {
    expect(isTerminal('Completed')).toBe(true);
    expect(isTerminal('cancelled')).toBe(true);
    expect(isTerminal('running')).toBe(false);
    expect(isTerminal('paused')).toBe(false);
  });
});
