/**
 * Samples as a rig sends them (ISO timestamps): seqs `from` … `from + n − 1`, one a second from
 * `t0Ms`, a small charging current, the voltage given per seq.
 */
export function wireSamples(
  t0Ms: number,
  from: number,
  n: number,
  voltageOf: (seq: number) => number = () => 3.6,
): { seq: number; ts: string; voltageV: number; currentA: number }[] {
  return Array.from({ length: n }, (_, k) => ({
    seq: from + k,
    ts: new Date(t0Ms + (from + k) * 1000).toISOString(),
    voltageV: voltageOf(from + k),
    currentA: 0.001,
  }));
}
