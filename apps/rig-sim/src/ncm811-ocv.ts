/**
 * A plausible open-circuit voltage of NCM811 against Li–In (In/LiIn ≈ 0.62 V vs Li+/Li, the usual
 * ASSB counter electrode). NCM811 vs Li runs about 3.55 V (empty) to 4.25 V (SOC 1 at a 4.3 V
 * cut-off) with a sloping middle; this table is a smooth stand-in for a measured curve, good enough
 * for a simulator, not for fitting.
 */
const LI_IN_VS_LI_V = 0.62;
const SOC_POINTS = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];
const OCV_VS_LI_V = [3.45, 3.62, 3.68, 3.74, 3.79, 3.84, 3.89, 3.95, 4.02, 4.08, 4.15, 4.19, 4.25];

export function ncm811OcvVsLiInV(soc: number): number {
  const s = Math.min(1, Math.max(0, soc));
  let k = 1;
  while (k < SOC_POINTS.length - 1 && SOC_POINTS[k] < s) k++;
  const f = (s - SOC_POINTS[k - 1]) / (SOC_POINTS[k] - SOC_POINTS[k - 1]);
  return OCV_VS_LI_V[k - 1] + f * (OCV_VS_LI_V[k] - OCV_VS_LI_V[k - 1]) - LI_IN_VS_LI_V;
}
