/**
 * Impedance of a cell situation: the §1.9 circuit filled from the model's own R_SCL, C_d, R_ct and f_c,
 * evaluated with the same parameters (one call, so the spectrum cannot drift from the evaluation).
 */
import { evaluateInterface, type CellSituation, type InterfaceEvaluation } from './evaluate-interface';
import { interfaceImpedance, type ImpedanceSpectrum } from './impedance';
import { resolveParameters, type InterfaceModelParams } from './parameters';

export function interfaceImpedanceAt(
  situation: CellSituation,
  frequencyHz: readonly number[],
  params: Partial<InterfaceModelParams> = {},
): { evaluation: InterfaceEvaluation; spectrum: ImpedanceSpectrum } {
  const p = resolveParameters(params);
  const evaluation = evaluateInterface(situation, p);
  const es = evaluation.electrostatics as NonNullable<InterfaceEvaluation['electrostatics']>;
  const mech = evaluation.mechanics as NonNullable<InterfaceEvaluation['mechanics']>;
  const spectrum = interfaceImpedance(
    {
      rElOhmCm2: p.rElOhmCm2,
      rSclOhmCm2: es.sclResistanceOhmCm2,
      cSclUFPerCm2: es.capacitanceUFPerCm2,
      // The coating is a series resistance without its own relaxation here, so it joins the charge-transfer arc.
      rCtOhmCm2: es.chargeTransferResistanceOhmCm2 + es.coatingResistanceOhmCm2,
      cDlUFPerCm2: p.cDlUFPerCm2,
      rDifOhmCm2: p.rDifOhmCm2,
      tauDifS: p.tauDifS,
      contactFraction: mech.contactFraction,
    },
    frequencyHz,
  );
  return { evaluation, spectrum };
}
