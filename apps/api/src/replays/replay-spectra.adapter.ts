import type { ImpedancePoint } from '@twin/contracts';
import { SOLID_STATE_CIRCUIT } from '@twin/eis';
import type { CellTwinState, TwinModelPlugin } from '@twin/twin';
import {
  analyseSpectrum,
  measuredInterfaceOf,
  type FitJson,
  type MeasuredInterface,
} from '../eis/spectrum-analysis';
import type { SpectrumStatus, StoredSpectrum } from '../eis/spectra.repository';

/** A stored spectrum as a replay reads it (the measurement; its live results are not reused). */
export interface ReplaySpectrum {
  id: number;
  cellId: string;
  /** Whole epoch ms, as live processing saw it (`Date.parse` of the stored timestamp). */
  tsMs: number;
  /** The exact stored timestamp, for keyset paging. */
  tsKey: string;
  soc: number | null;
  temperatureC: number | null;
  cycle: number | null;
  points: ImpedancePoint[];
  /** The circuit live processing used; null while it was still pending (then the default). */
  circuit: string | null;
}

export type SpectrumKey = { tsKey: string; id: number } | null;

/** What a replayed spectrum did: the `spectrum` event payload and the measurement for alerting. */
export interface ReplayedSpectrum {
  view: StoredSpectrum;
  measured: MeasuredInterface | null;
  /** The twin state changed (a calibration was applied). */
  calibrated: boolean;
}

interface CellTwinRef {
  state: CellTwinState | null;
  plugin: TwinModelPlugin | null;
}

/**
 * The live spectrum processing (SpectrumProcessorService) on a replay's private state: the same pure
 * analysis, warm-started from the replay's own previous fit of the cell with that circuit (live reads
 * the latest stored fit, the same one when spectra arrive in time order), then the calibration step
 * of TwinService.calibrate on the replay's twin. No table or live room is touched.
 */
export class ReplaySpectra {
  private readonly lastFits: Map<string, FitJson>[];

  constructor(private readonly electrodeAreasCm2: readonly number[]) {
    this.lastFits = electrodeAreasCm2.map(() => new Map());
  }

  process(cell: number, spectrum: ReplaySpectrum, twin: CellTwinRef): ReplayedSpectrum {
    const circuit = spectrum.circuit ?? SOLID_STATE_CIRCUIT;
    const fits = this.lastFits[cell];
    const result = analyseSpectrum(
      spectrum.points,
      circuit,
      this.electrodeAreasCm2[cell],
      fits.get(circuit) ?? null,
    );
    if (result.fit) fits.set(circuit, result.fit);
    const view: StoredSpectrum = {
      id: spectrum.id,
      cellId: spectrum.cellId,
      ts: new Date(spectrum.tsMs).toISOString(),
      soc: spectrum.soc,
      temperatureC: spectrum.temperatureC,
      cycle: spectrum.cycle,
      points: spectrum.points,
      status: result.status satisfies SpectrumStatus,
      valid: result.linKK.valid,
      linKK: { ...result.linKK },
      fit: result.fit,
      interfaceArc: result.arc ? { ...result.arc } : null,
    };
    const arc = result.arc;
    if (!arc) return { view, measured: null, calibrated: false };
    const calibration = calibrate(twin, arc.areaResistanceOhmCm2);
    view.interfaceArc = { ...arc, ...(calibration ?? {}) };
    const measured = measuredInterfaceOf(spectrum, arc, result.arcStdErrOhmCm2, calibration);
    return { view, measured, calibrated: calibration !== null };
  }
}

/**
 * TwinService.calibrate on replay state: the plugin folds the measurement into the model state and
 * its outputs are merged over the current ones. A model that refuses the value leaves the twin as
 * it was (live swallows the error the same way).
 */
function calibrate(twin: CellTwinRef, measuredOhmCm2: number): Record<string, unknown> | null {
  if (!twin.state || !twin.plugin?.calibrate) return null;
  try {
    const { state, outputs } = twin.plugin.calibrate(twin.state.model, measuredOhmCm2);
    twin.state = { ...twin.state, model: state, outputs: { ...twin.state.outputs, ...outputs } };
    return outputs;
  } catch {
    return null;
  }
}
