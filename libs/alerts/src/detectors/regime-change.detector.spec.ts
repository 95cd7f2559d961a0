import { describe, expect, it } from 'vitest';
import { runDetector } from '../testing/run-detector';
import { regimeChangeDetector } from './regime-change.detector';

describe('regime change detector', () => {
  it('fires once the target regime has held for minConsecutive observations', () => {
    const v = runDetector(regimeChangeDetector({ to: ['mechanical'], minConsecutive: 2 }), [
      'electrostatic',
      'mechanical',
      'mechanical',
      'oops',
      'mechanical',
      'mixed',
    ]);
    expect(v.map((x) => x.firing)).toEqual([false, false, true, false, true, false]);
    expect(v[3].ignored).toBe(true);
    expect(v[2].baseline).toBe('electrostatic');
    expect(v[2].detail).toContain('electrostatic → mechanical');
    expect(v.map((x) => x.insideBand)).toEqual([true, false, false, false, false, true]);
  });

  it('rejects unknown target regimes', () => {
    expect(() => regimeChangeDetector({ to: ['plastic' as never] })).toThrow(/regimes/);
  });
});
