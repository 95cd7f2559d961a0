import type { ImpedancePoint } from '@twin/contracts';
import { fitCircuit, interfaceArc, linKk, SOLID_STATE_CIRCUIT, type FitResult } from '@twin/eis';

/**
 * What the service makes of one stored spectrum, as a pure function of the spectrum, the cell's
 * electrode area and the previous fit: the live processor and replays both run exactly this, so a
 * replayed spectrum gets the live verdict, fit and interface arc.
 */

export interface LinKkSummary {
  valid: boolean;
  rcElements: number;
  mu: number;
  residualRealPct: number[];
  residualImagPct: number[];
  residualRmsPct: number;
}

export interface FitJson {
  circuit: string;
  parameters: { name: string; value: number; stdErr: number }[];
  rmsRelErrorPct: number;
  chiSquare: number;
  iterations: number;
}

export type SpectrumAnalysis =
  | { status: 'invalid'; linKK: LinKkSummary; circuit: string; fit: null; arc: null; arcStdErrOhmCm2: null }
  | {
      status: 'fit-failed';
      linKK: LinKkSummary;
      circuit: string;
      fit: null;
      arc: null;
      arcStdErrOhmCm2: null;
      error: string;
    }
  | {
      status: 'fitted';
      linKK: LinKkSummary;
      circuit: string;
      fit: FitJson;
      /** Only for the solid-state circuit: its second arc is the interface. */
      arc: ReturnType<typeof interfaceArc> | null;
      arcStdErrOhmCm2: number | null;
    };

/** A fitted interface arc as the twin and the alert bridge take it. */
export interface MeasuredInterface {
  cellId: string;
  tsMs: number;
  areaResistanceOhmCm2: number;
  stdErrOhmCm2: number | null;
  areaCapacitanceUFPerCm2: number;
  soc: number | null;
  cycle: number | null;
  temperatureC: number | null;
  /** measured − predicted after the twin's calibration step, when the cell has a model. */
  residualOhmCm2: number | null;
}

/** The measured interface of a fitted arc, with the residual the twin's calibration reported. */
export function measuredInterfaceOf(
  spectrum: {
    cellId: string;
    tsMs: number;
    soc: number | null;
    cycle: number | null;
    temperatureC: number | null;
  },
  arc: NonNullable<SpectrumAnalysis['arc']>,
  arcStdErrOhmCm2: number | null,
  calibration: Record<string, unknown> | null,
): MeasuredInterface {
  return {
    cellId: spectrum.cellId,
    tsMs: spectrum.tsMs,
    areaResistanceOhmCm2: arc.areaResistanceOhmCm2,
    stdErrOhmCm2: arcStdErrOhmCm2,
    areaCapacitanceUFPerCm2: arc.areaCapacitanceUFPerCm2,
    soc: spectrum.soc,
    cycle: spectrum.cycle,
    temperatureC: spectrum.temperatureC,
    residualOhmCm2: typeof calibration?.residualOhmCm2 === 'number' ? calibration.residualOhmCm2 : null,
  };
}

/**
 * Lin-KK check (a failing spectrum is flagged, never fitted silently), then the circuit fit
 * warm-started from `previousFit` (the cell's latest fit with this circuit), then the interface arc
 * normalised by electrode area.
 */
export function analyseSpectrum(
  points: readonly ImpedancePoint[],
  circuit: string,
  electrodeAreaCm2: number,
  previousFit: Pick<FitJson, 'parameters'> | null,
): SpectrumAnalysis {
  const data = {
    frequenciesHz: points.map((p) => p.fHz),
    zRealOhm: points.map((p) => p.zRealOhm),
    zImagOhm: points.map((p) => p.zImagOhm),
  };
  const kk = linKk(data);
  const linKK: LinKkSummary = {
    valid: kk.valid,
    rcElements: kk.rcElements,
    mu: kk.mu,
    residualRealPct: kk.residualRealPct,
    residualImagPct: kk.residualImagPct,
    residualRmsPct: kk.residualRmsPct,
  };
  if (!kk.valid) return { status: 'invalid', linKK, circuit, fit: null, arc: null, arcStdErrOhmCm2: null };
  let fit: FitResult;
  try {
    fit = fitCircuit(circuit, data, {
      weighting: 'modulus',
      ...(previousFit ? { initialGuess: previousFit } : {}),
    });
  } catch (error) {
    return {
      status: 'fit-failed',
      linKK,
      circuit,
      fit: null,
      arc: null,
      arcStdErrOhmCm2: null,
      error: (error as Error).message,
    };
  }
  const fitJson: FitJson = {
    circuit,
    parameters: fit.parameters,
    rmsRelErrorPct: fit.rmsRelErrorPct,
    chiSquare: fit.chiSquare,
    iterations: fit.iterations,
  };
  if (circuit !== SOLID_STATE_CIRCUIT) {
    return { status: 'fitted', linKK, circuit, fit: fitJson, arc: null, arcStdErrOhmCm2: null };
  }
  const r2 = fit.parameters.find((p) => p.name === 'R2');
  return {
    status: 'fitted',
    linKK,
    circuit,
    fit: fitJson,
    arc: interfaceArc(fit, electrodeAreaCm2),
    arcStdErrOhmCm2: r2 ? r2.stdErr * electrodeAreaCm2 : null,
  };
}
