import type { AlertRule, AlertScope } from './alert-rule.types';

export interface DefaultRuleOptions {
  /** Scope the rules to one cell (ids get the cell id appended); all cells when absent. */
  cellId?: string;
  /** Voltage alarm limits, V: the cell's cut-offs plus a margin for pulse overshoot. */
  voltageMinV?: number;
  voltageMaxV?: number;
  temperatureMaxC?: number;
}

const HOUR_S = 3600;

/**
 * Rules a new cell starts with. The reasoning behind each number is in docs/alerts.md; in short: the
 * sequential tests use k = 0.5σ (fastest for a 1σ shift) and h = 8σ (one-sided in-control ARL ≈ 1.9·10⁴
 * with known μ0 and σ, Siegmund's approximation), learn μ0 and σ over 30 cycles and add an estimation
 * guard of one standard error, which keeps one rule's false-alarm rate near 5 % per 1000 cycles.
 * Resistance signals are meant to be fed once per cycle (or per EIS fit), normalised to reference SOC
 * and temperature.
 */
export function defaultAlertRules(options: DefaultRuleOptions = {}): AlertRule[] {
  const scope: AlertScope = options.cellId === undefined ? { all: true } : { cellId: options.cellId };
  const id = (name: string) =>
    options.cellId === undefined ? `default:${name}` : `default:${name}:${options.cellId}`;
  const voltageMinV = options.voltageMinV ?? 2.45;
  const voltageMaxV = options.voltageMaxV ?? 4.35;
  const temperatureMaxC = options.temperatureMaxC ?? 60;

  return [
    {
      id: id('interface-resistance-cusum'),
      scope,
      signal: 'interfaceResistanceOhmCm2',
      detector: {
        kind: 'cusum',
        params: {
          k: 0.5,
          h: 8,
          baseline: { from: 'cycles', count: 30 },
          estimationGuard: 1,
          direction: 'up',
          minSigmaRel: 0.01,
          clipSigma: 4,
          resolveBandSigma: 1,
        },
      },
      severity: 'warning',
      cooldownSeconds: 6 * HOUR_S,
      autoResolveSeconds: 24 * HOUR_S,
      description: 'Sustained upward shift of the interface resistance against its first 20 cycles',
    },
    {
      id: id('interface-resistance-rise'),
      scope,
      signal: 'interfaceResistanceOhmCm2',
      detector: {
        kind: 'relativeRise',
        params: { risePct: 30, baseline: { from: 'cycles', count: 5 }, hysteresisPct: 10, minConsecutive: 2 },
      },
      severity: 'critical',
      cooldownSeconds: 6 * HOUR_S,
      autoResolveSeconds: 24 * HOUR_S,
      description: 'Interface resistance 30 % above the mean of the first 5 cycles',
    },
    {
      id: id('residual-cusum'),
      scope,
      signal: 'residualOhmCm2',
      detector: {
        kind: 'cusum',
        params: {
          k: 0.5,
          h: 8,
          baseline: { from: 'cycles', count: 30 },
          estimationGuard: 1,
          direction: 'both',
          minSigma: 0.05,
          clipSigma: 4,
          resolveBandSigma: 1,
        },
      },
      severity: 'info',
      cooldownSeconds: 6 * HOUR_S,
      autoResolveSeconds: 24 * HOUR_S,
      description: 'Measured − modelled interface resistance drifts: the twin needs recalibration',
    },
    {
      id: id('ohmic-resistance-cusum'),
      scope,
      signal: 'ohmicResistanceOhm',
      detector: {
        kind: 'cusum',
        params: {
          k: 0.5,
          h: 8,
          baseline: { from: 'cycles', count: 30 },
          estimationGuard: 1,
          direction: 'up',
          minSigmaRel: 0.005,
          clipSigma: 4,
          resolveBandSigma: 1,
        },
      },
      severity: 'warning',
      cooldownSeconds: 6 * HOUR_S,
      autoResolveSeconds: 24 * HOUR_S,
      description: 'Ohmic (bulk + contact) resistance jumped or crept up',
    },
    {
      id: id('contact-fraction-low'),
      scope,
      signal: 'contactFraction',
      // Relative to the cell's own early contact: the model's initial contact already depends on
      // stack pressure (0.82 at 10 MPa), so an absolute threshold would fire on healthy cells.
      detector: {
        kind: 'relativeRise',
        params: {
          direction: 'fall',
          risePct: 10,
          baseline: { from: 'cycles', count: 3 },
          hysteresisPct: 3,
          minConsecutive: 2,
        },
      },
      severity: 'warning',
      cooldownSeconds: 1 * HOUR_S,
      autoResolveSeconds: 1 * HOUR_S,
      description: 'Effective cathode/SE contact 10 % below its value over the first 3 cycles',
    },
    {
      id: id('contact-fraction-critical'),
      scope,
      signal: 'contactFraction',
      detector: {
        kind: 'threshold',
        params: { direction: 'below', threshold: 0.5, hysteresis: 0.02, minConsecutive: 2 },
      },
      severity: 'critical',
      cooldownSeconds: 1 * HOUR_S,
      autoResolveSeconds: 1 * HOUR_S,
      description:
        "Effective cathode/SE contact below 50 % (below the model's unpressed floor): re-pressurise or stop",
    },
    {
      id: id('regime-mechanical'),
      scope,
      signal: 'regime',
      detector: { kind: 'regimeChange', params: { to: ['mechanical'], minConsecutive: 3 } },
      severity: 'warning',
      cooldownSeconds: 1 * HOUR_S,
      autoResolveSeconds: 1 * HOUR_S,
      description: 'Degradation regime turned mechanical (contact loss dominates)',
    },
    {
      id: id('capacity-fade-rate'),
      scope,
      signal: 'dischargeCapacityAh',
      detector: {
        kind: 'rateOfChange',
        params: {
          windowCycles: 20,
          thresholdPctPerCycle: -0.5,
          direction: 'below',
          hysteresisPctPerCycle: 0.1,
        },
      },
      severity: 'critical',
      cooldownSeconds: 6 * HOUR_S,
      autoResolveSeconds: 24 * HOUR_S,
      description: 'Discharge capacity falling faster than 0.5 %/cycle over the last 20 cycles',
    },
    {
      id: id('temperature-high'),
      scope,
      signal: 'temperatureC',
      detector: {
        kind: 'threshold',
        params: { direction: 'above', threshold: temperatureMaxC, hysteresis: 5, minConsecutive: 2 },
      },
      severity: 'critical',
      cooldownSeconds: 1 * HOUR_S,
      autoResolveSeconds: 600,
      description: `Cell temperature above ${temperatureMaxC} °C`,
    },
    {
      id: id('voltage-high'),
      scope,
      signal: 'voltageV',
      detector: {
        kind: 'threshold',
        params: { direction: 'above', threshold: voltageMaxV, hysteresis: 0.05, minConsecutive: 3 },
      },
      severity: 'critical',
      cooldownSeconds: 1 * HOUR_S,
      autoResolveSeconds: 600,
      description: `Voltage above ${voltageMaxV} V`,
    },
    {
      id: id('voltage-low'),
      scope,
      signal: 'voltageV',
      detector: {
        kind: 'threshold',
        params: { direction: 'below', threshold: voltageMinV, hysteresis: 0.05, minConsecutive: 3 },
      },
      severity: 'critical',
      cooldownSeconds: 1 * HOUR_S,
      autoResolveSeconds: 600,
      description: `Voltage below ${voltageMinV} V`,
    },
  ];
}
