const MS_PER_HOUR = 3_600_000;

/**
 * Charge passed between two samples, in Ah, by the trapezoidal rule on current (exact for a current
 * that varies linearly between samples). Time running backwards contributes nothing: a rig clock that
 * steps back must not un-count charge.
 */
export function trapezoidChargeAh(currentA0: number, currentA1: number, dtMs: number): number {
  return dtMs > 0 ? ((currentA0 + currentA1) / 2) * (dtMs / MS_PER_HOUR) : 0;
}

/** Energy between two samples, in Wh, trapezoid on power P = V·I. */
export function trapezoidEnergyWh(
  voltageV0: number,
  currentA0: number,
  voltageV1: number,
  currentA1: number,
  dtMs: number,
): number {
  return dtMs > 0 ? ((voltageV0 * currentA0 + voltageV1 * currentA1) / 2) * (dtMs / MS_PER_HOUR) : 0;
}
