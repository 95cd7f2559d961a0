/**
 * Deterministic noise for tests and simulations. mulberry32 (Tommy Ettinger, public domain) is a 32-bit
 * generator with full period 2³²; Gaussian deviates come from the Box–Muller transform (Box & Muller,
 * Ann. Math. Stat. 29 (1958) 610).
 */
export interface SeededNoise {
  uniform(): number;
  gaussian(): number;
}

export function seededNoise(seed: number): SeededNoise {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    gaussian() {
      const u1 = 1 - uniform();
      const u2 = uniform();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}
