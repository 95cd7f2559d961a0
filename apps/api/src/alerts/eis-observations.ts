import { normaliseResistance, type RegimeName, type SignalObservation } from '@twin/alerts';
import type { MeasuredInterface } from '../eis/spectrum-analysis';
import { activationEnergyOf, DEFAULT_EXTRACTION_PARAMS } from './signal-extraction';

/**
 * A fitted interface arc as alert observations: the arc (Ω·cm²) normalised to the reference
 * temperature with the model's activation energy, and its residual against the model's prediction.
 * `twin` is the cell's twin payload after the calibration (regime and activation energy come from
 * it). Pure, so live alerting and replays observe the same values.
 */
export function eisObservations(
  m: MeasuredInterface,
  twin: Record<string, unknown> | null,
): SignalObservation[] {
  const outputs = twin ?? {};
  const regime = (typeof outputs.regime === 'string' ? outputs.regime : null) as RegimeName | null;
  const params = DEFAULT_EXTRACTION_PARAMS;
  const ea = activationEnergyOf(outputs, params);
  const temperatureC = m.temperatureC ?? params.referenceTemperatureC;
  const factor = normaliseResistance(
    { resistance: 1, temperatureC },
    { activationEnergyEv: ea, referenceTemperatureC: params.referenceTemperatureC },
  );
  const common = { tsMs: m.tsMs, cycle: m.cycle, soc: m.soc, regime };
  const observations: SignalObservation[] = [
    {
      signal: 'interfaceResistanceOhmCm2',
      value: m.areaResistanceOhmCm2 * factor,
      stdErr: m.stdErrOhmCm2 === null ? null : m.stdErrOhmCm2 * factor,
      ...common,
    },
  ];
  if (m.residualOhmCm2 !== null) {
    observations.push({ signal: 'residualOhmCm2', value: m.residualOhmCm2, ...common });
  }
  return observations;
}
