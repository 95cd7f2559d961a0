/**
 * Normalised measurement shapes shared by parsers, the ingest API, the twin and the browser.
 * SI-ish units carried in every name; current is positive while charging.
 */

/** One time-series point from a cycling rig, as the twin consumes it (timestamps resolved to epoch ms). */
export interface SamplePoint {
  /** Per-cell sequence number, non-negative integer, strictly increasing in time order. */
  seq: number;
  /** Absolute time, epoch milliseconds (UTC). */
  tsMs: number;
  voltageV: number;
  /** Positive while charging. */
  currentA: number;
  temperatureC?: number | null;
  cycle?: number | null;
  step?: number | null;
}

/** One impedance point; capacitive points have zImagOhm < 0. */
export interface ImpedancePoint {
  fHz: number;
  zRealOhm: number;
  zImagOhm: number;
}

/** One impedance spectrum as measured at one moment. */
export interface SpectrumRecord {
  tsMs: number;
  soc?: number | null;
  temperatureC?: number | null;
  cycle?: number | null;
  points: ImpedancePoint[];
}
