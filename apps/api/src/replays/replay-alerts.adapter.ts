import {
  createAlertEvaluator,
  type AlertEvaluator,
  type AlertEvaluatorState,
  type AlertEvent,
  type AlertRule,
  type SignalObservation,
} from '@twin/alerts';
import type { CellConfig, CycleSummary, SamplePoint } from '@twin/contracts';
import type { CellTwinState } from '@twin/twin';
import {
  capacityObservation,
  extractObservations,
  initialExtractionState,
  type SignalExtractionState,
} from '../alerts/signal-extraction';

/**
 * The one place the replay meets alerting: the live alerts module's pure signal extraction (a twin
 * `applied$` event → observations) and the pure evaluator of `@twin/alerts`, each with a fresh state
 * per replay and cell. Nothing here writes to the alerts tables or reaches the live rooms.
 */

/** Samples handed to the extractor at once, like one live ingest batch. */
const BATCH_SAMPLES = 256;

interface CellAlerts {
  cellId: string;
  extraction: SignalExtractionState;
  /** Per cell, so an evaluator step copies one cell's rule map, not the campaign's. */
  evaluation: AlertEvaluatorState;
  buffer: SamplePoint[];
  cell: { nominalCapacityAh: number; electrodeAreaCm2: number };
}

export class ReplayAlerts {
  private readonly evaluator: AlertEvaluator;
  private readonly cells: CellAlerts[];

  constructor(
    rules: readonly AlertRule[],
    cells: readonly CellConfig[],
    private readonly campaignId: string | null,
  ) {
    this.evaluator = createAlertEvaluator(rules);
    this.cells = cells.map((c) => ({
      cellId: c.id,
      extraction: initialExtractionState(),
      evaluation: this.evaluator.init(),
      buffer: [],
      cell: { nominalCapacityAh: c.nominalCapacityAh, electrodeAreaCm2: c.electrodeAreaCm2 },
    }));
  }

  /**
   * One stepped sample. Returns the alert events it completed, or null when the sample only went
   * into the batch; `closed` is the cycle the twin closed with this sample, if any.
   */
  offer(
    cell: number,
    sample: SamplePoint,
    state: CellTwinState,
    closed: CycleSummary | null,
  ): AlertEvent[] | null {
    const c = this.cells[cell];
    c.buffer.push(sample);
    if (c.buffer.length < BATCH_SAMPLES && closed === null) return null;
    const events = this.flushCell(cell, state);
    if (closed !== null) {
      const cap = capacityObservation(c.extraction, closed);
      c.extraction = cap.state;
      if (cap.observation !== null) this.evaluate(c, cap.observation, events);
    }
    return events;
  }

  /** Runs whatever is buffered for `cell` (end of the replay, or before a pause). */
  flushCell(cell: number, state: CellTwinState | null): AlertEvent[] {
    const c = this.cells[cell];
    const events: AlertEvent[] = [];
    if (c.buffer.length === 0 || state === null) return events;
    const { state: extraction, observations } = extractObservations(
      c.extraction,
      { cellId: c.cellId, samples: c.buffer, state, recomputed: false },
      c.cell,
    );
    c.extraction = extraction;
    c.buffer = [];
    for (const o of observations) this.evaluate(c, o, events);
    return events;
  }

  /**
   * Observations made outside the sample stream (EIS fits), in order with it: what the cell has
   * buffered is extracted first, as live evaluates each batch before a later fit's observations.
   */
  observe(cell: number, state: CellTwinState, observations: readonly SignalObservation[]): AlertEvent[] {
    const events = this.flushCell(cell, state);
    for (const o of observations) this.evaluate(this.cells[cell], o, events);
    return events;
  }

  private evaluate(c: CellAlerts, observation: SignalObservation, out: AlertEvent[]): void {
    const r = this.evaluator.step(
      c.evaluation,
      { cellId: c.cellId, campaignId: this.campaignId },
      observation,
    );
    c.evaluation = r.state;
    for (const e of r.events) out.push(e);
  }
}
