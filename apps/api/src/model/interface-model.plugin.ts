import type { CellConfig } from '@twin/contracts';
import {
  createInterfaceTwin,
  type InterfaceModelParams,
  type TwinSample,
  type TwinState,
} from '@twin/interface-model';
import type { TwinModelInput, TwinModelPlugin } from '@twin/twin';

/** Room temperature stands in until a rig reports temperature (the model needs one). */
const DEFAULT_TEMPERATURE_C = 25;

/** Model state in the twin: the interface twin's own state plus the last measured interface resistance. */
export interface InterfacePluginState {
  twin: TwinState;
  measuredInterfaceResistanceOhmCm2: number | null;
  residualOhmCm2: number | null;
}

export function interfaceModelParams(cell: CellConfig): Partial<InterfaceModelParams> {
  return (cell.modelParameters ?? {}) as Partial<InterfaceModelParams>;
}

/**
 * The interface model (issue #4) riding on each sample's twin step: SOC, temperature, the cell's
 * stack pressure and cycle → SCL state, contact mechanics and regime. The SCL is re-solved only when
 * SOC moves ≥ 0.1 % (the interface twin's cache), so the per-sample cost stays in microseconds.
 */
export function interfaceModelPlugin(cell: CellConfig): TwinModelPlugin<InterfacePluginState> {
  const twin = createInterfaceTwin(
    { cathode: cell.cathode, electrolyte: cell.electrolyte, coating: cell.coating },
    interfaceModelParams(cell),
  );
  const advance = (state: InterfacePluginState, input: TwinModelInput): InterfacePluginState => ({
    twin: twin.advance(state.twin, twinSample(cell, input)),
    measuredInterfaceResistanceOhmCm2: state.measuredInterfaceResistanceOhmCm2,
    residualOhmCm2: state.residualOhmCm2,
  });
  const outputsOf = (state: InterfacePluginState): Record<string, unknown> => {
    const reading = twin.outputOf(state.twin);
    return {
      interface: reading.interface,
      regime: reading.regime.regime,
      model: reading.model,
      measuredInterfaceResistanceOhmCm2: state.measuredInterfaceResistanceOhmCm2,
      residualOhmCm2: state.residualOhmCm2,
    };
  };
  return {
    version: 'interface-model',
    calibrate(state, measuredOhmCm2) {
      if (!state.twin.lastSample) return { state, outputs: {} };
      // The model's bounded recursive update of f_SE and k_D; residual = measured − predicted (issue #4).
      const result = twin.calibrate(state.twin, measuredOhmCm2);
      return {
        state: {
          twin: result.state,
          measuredInterfaceResistanceOhmCm2: measuredOhmCm2,
          residualOhmCm2: result.residualOhmCm2,
        },
        outputs: { measuredInterfaceResistanceOhmCm2: measuredOhmCm2, residualOhmCm2: result.residualOhmCm2 },
      };
    },
    parameterHash: twin.cell.parameterHash,
    init: () => ({
      twin: twin.initialState(),
      measuredInterfaceResistanceOhmCm2: null,
      residualOhmCm2: null,
    }),
    advance,
    outputsOf,
    step(state, input: TwinModelInput) {
      const next = advance(state, input);
      return { state: next, outputs: outputsOf(next) };
    },
  };
}

function twinSample(cell: CellConfig, input: TwinModelInput): TwinSample {
  return {
    soc: Math.min(1, Math.max(0, input.soc)),
    temperatureC: input.temperatureC ?? DEFAULT_TEMPERATURE_C,
    stackPressureMPa: cell.stackPressureMPa,
    cycle: Math.max(0, Math.trunc(input.cycle)),
  };
}
