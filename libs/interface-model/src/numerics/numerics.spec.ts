import { describe, expect, it } from 'vitest';
import { createTable, interpolate } from './interpolate';
import { canonicalJson, fnv1a64Hex, stableHash } from './stable-hash';
import { compositeGauss } from './quadrature';

describe('interpolation', () => {
  it('linear reproduces nodes and midpoints, holds outside the table', () => {
    const t = createTable([0, 1, 3], [1, 3, 2], 'linear');
    expect(interpolate(t, 0.5)).toBe(2);
    expect(interpolate(t, 2)).toBe(2.5);
    expect(interpolate(t, -1)).toBe(1);
    expect(interpolate(t, 9)).toBe(2);
  });

  it('pchip passes the nodes and stays monotone on a monotone table with a plateau', () => {
    const xs = [0, 0.1, 0.3, 0.5, 0.7, 1];
    const ys = [3.5, 3.9, 3.91, 3.92, 4.0, 4.3];
    const t = createTable(xs, ys, 'pchip');
    xs.forEach((x, i) => expect(interpolate(t, x)).toBeCloseTo(ys[i], 12));
    let prev = -Infinity;
    for (let x = 0; x <= 1; x += 0.001) {
      const y = interpolate(t, x);
      expect(y).toBeGreaterThanOrEqual(prev - 1e-12);
      prev = y;
    }
  });
});

describe('stable hash', () => {
  it('FNV-1a 64 reference vectors', () => {
    // Published FNV test vectors (Landon Curt Noll's test suite).
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('is independent of key order and sensitive to values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null } })).toBe('{"a":{"c":null,"d":[1,2]},"b":1}');
    expect(stableHash({ a: 1, b: 2 })).toBe(stableHash({ b: 2, a: 1 }));
    expect(stableHash({ a: 1, b: 2 })).not.toBe(stableHash({ a: 1, b: 2.0000001 }));
  });
});

describe('quadrature', () => {
  it('integrates e^x on [0, 5] to 1e-10', () => {
    expect(compositeGauss(Math.exp, 0, 5, 10)).toBeCloseTo(Math.exp(5) - 1, 8);
  });
});
