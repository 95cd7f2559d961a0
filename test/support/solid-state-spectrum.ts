import { SOLID_STATE_CIRCUIT, synthesizeSpectrum } from '@twin/eis';

/** A solid-state cell's circuit parameters (SOLID_STATE_CIRCUIT): interface arc R2 = 120 Ω. */
export const SOLID_STATE_TRUTH = {
  R0: 20,
  R1: 40,
  CPE1_0: 1e-9,
  CPE1_1: 0.92,
  R2: 120,
  CPE2_0: 2e-5,
  CPE2_1: 0.85,
  Wo1_0: 60,
  Wo1_1: 8,
};

/** The circuit's spectrum at `frequenciesHz` with relative noise, as the points a rig posts. */
export function solidStatePoints(
  frequenciesHz: readonly number[],
  params: Record<string, number> = SOLID_STATE_TRUTH,
  noise = 0,
  seed = 1,
): { fHz: number; zRealOhm: number; zImagOhm: number }[] {
  const z = synthesizeSpectrum(SOLID_STATE_CIRCUIT, params, [...frequenciesHz], noise, seed);
  return frequenciesHz.map((fHz, i) => ({ fHz, zRealOhm: z.zRealOhm[i], zImagOhm: z.zImagOhm[i] }));
}
