import { AlertConfigError, requireNonNegative } from '../alert-config.error';
import { createDetector, type DetectorState } from '../detectors/create-detector';
import type { Detector, Verdict } from '../detectors/detector.types';
import type { AlertEvent, AlertRule, CellRef, RuleVerdict, SignalObservation } from './alert-rule.types';

export interface OpenAlert {
  openedAtMs: number;
  cycle: number | null;
}

/** Everything one rule remembers about one cell; plain JSON. */
export interface RuleCellState {
  /** The rule's detector config as JSON: an edited rule restarts its detector instead of misreading state. */
  configKey: string;
  detector: DetectorState;
  open: OpenAlert | null;
  /** Start of the current unbroken run of inside-band observations while an alert is open. */
  insideSinceMs: number | null;
  lastResolvedMs: number | null;
  /** Firings swallowed by the cool-down, for diagnostics. */
  suppressedCount: number;
}

export interface AlertEvaluatorState {
  /** rule id → cell id → state. */
  rules: Record<string, Record<string, RuleCellState>>;
}

export interface EvaluationResult {
  state: AlertEvaluatorState;
  events: AlertEvent[];
  verdicts: RuleVerdict[];
}

export interface AlertEvaluator {
  readonly rules: readonly AlertRule[];
  init(): AlertEvaluatorState;
  /** Applies every rule whose scope covers the cell and whose signal is the observation's. */
  step(state: AlertEvaluatorState, cell: CellRef, observation: SignalObservation): EvaluationResult;
  /**
   * The same as folding `step` over the observations in order (events and verdicts concatenated),
   * but the state maps are copied once per call instead of once per observation: the live path
   * evaluates several observations per sample, and those copies were most of its garbage.
   */
  stepAll(
    state: AlertEvaluatorState,
    cell: CellRef,
    observations: readonly SignalObservation[],
    /** False when only the state and events are wanted (the live path): no verdict list is built. */
    collectVerdicts?: boolean,
  ): EvaluationResult;
  /** Closes an open alert by hand (an acknowledged and fixed problem); no-op when none is open. */
  resolve(state: AlertEvaluatorState, ruleId: string, cellId: string, tsMs: number): EvaluationResult;
}

interface CompiledRule {
  rule: AlertRule;
  detector: Detector<DetectorState>;
  configKey: string;
}

export function ruleCoversCell(rule: AlertRule, cell: CellRef): boolean {
  const scope = rule.scope;
  if ('all' in scope) return scope.all === true;
  if ('cellId' in scope) return scope.cellId === cell.cellId;
  return cell.campaignId != null && scope.campaignId === cell.campaignId;
}

function compile(rule: AlertRule): CompiledRule {
  if (typeof rule.id !== 'string' || rule.id.length === 0) {
    throw new AlertConfigError('ALERT_INVALID_PARAMS', 'rule.id must be a non-empty string');
  }
  requireNonNegative(`${rule.id}.cooldownSeconds`, rule.cooldownSeconds);
  if (rule.autoResolveSeconds !== null)
    requireNonNegative(`${rule.id}.autoResolveSeconds`, rule.autoResolveSeconds);
  return { rule, detector: createDetector(rule.detector), configKey: JSON.stringify(rule.detector) };
}

function event(
  type: AlertEvent['type'],
  rule: AlertRule,
  cellId: string,
  observation: SignalObservation,
  verdict: Verdict,
  openedAtMs: number,
): AlertEvent {
  return {
    type,
    ruleId: rule.id,
    cellId,
    signal: rule.signal,
    detector: verdict.detector,
    severity: rule.severity,
    value: verdict.value,
    baseline: verdict.baseline,
    cycle: observation.cycle,
    soc: observation.soc,
    regime: observation.regime,
    tsMs: observation.tsMs,
    openedAtMs,
    ...(type === 'resolve' ? { resolvedBy: 'auto' as const } : {}),
    detail: verdict.detail,
  };
}

/**
 * The alert lifecycle for one (rule, cell), given its detector's verdict on the observation; returns
 * the event it makes, if any. At most one open alert (de-duplication); a firing verdict opens one
 * unless the cool-down since the last resolve is still running; an open alert resolves once the
 * verdicts have said "inside band" without a break for autoResolveSeconds.
 * `entry` is the caller's own copy and is updated in place: this runs for every rule on every sample
 * (the voltage limits), and a new entry per observation was most of live alerting's garbage.
 */
function advance(
  rule: AlertRule,
  entry: RuleCellState,
  cellId: string,
  observation: SignalObservation,
  verdict: Verdict,
): AlertEvent | null {
  if (verdict.ignored) return null;

  if (entry.open !== null) {
    if (verdict.firing || !verdict.insideBand) {
      entry.insideSinceMs = null;
      return null;
    }
    const insideSinceMs = entry.insideSinceMs ?? observation.tsMs;
    const held = observation.tsMs - insideSinceMs;
    if (rule.autoResolveSeconds !== null && held >= rule.autoResolveSeconds * 1000) {
      const openedAtMs = entry.open.openedAtMs;
      entry.open = null;
      entry.insideSinceMs = null;
      entry.lastResolvedMs = observation.tsMs;
      return event('resolve', rule, cellId, observation, verdict, openedAtMs);
    }
    entry.insideSinceMs = insideSinceMs;
    return null;
  }

  if (!verdict.firing) return null;
  const coolingDown =
    entry.lastResolvedMs !== null && observation.tsMs - entry.lastResolvedMs < rule.cooldownSeconds * 1000;
  if (coolingDown) {
    entry.suppressedCount += 1;
    return null;
  }
  entry.open = { openedAtMs: observation.tsMs, cycle: observation.cycle };
  entry.insideSinceMs = null;
  return event('open', rule, cellId, observation, verdict, observation.tsMs);
}

export function createAlertEvaluator(rules: readonly AlertRule[]): AlertEvaluator {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id))
      throw new AlertConfigError('ALERT_DUPLICATE_RULE_ID', `duplicate rule id ${rule.id}`);
    seen.add(rule.id);
  }
  const compiled = rules.map(compile);
  const byId = new Map(compiled.map((c) => [c.rule.id, c]));
  const bySignal = new Map<string, CompiledRule[]>();
  for (const c of compiled) {
    const list = bySignal.get(c.rule.signal);
    if (list) list.push(c);
    else bySignal.set(c.rule.signal, [c]);
  }

  const freshEntry = (c: CompiledRule): RuleCellState => ({
    configKey: c.configKey,
    detector: c.detector.init(),
    open: null,
    insideSinceMs: null,
    lastResolvedMs: null,
    suppressedCount: 0,
  });

  function stepAll(
    state: AlertEvaluatorState,
    cell: CellRef,
    observations: readonly SignalObservation[],
    collectVerdicts = true,
  ): EvaluationResult {
    for (const observation of observations) {
      if (!Number.isFinite(observation.tsMs)) {
        throw new AlertConfigError('ALERT_INVALID_OBSERVATION', 'observation.tsMs must be finite');
      }
    }
    const events: AlertEvent[] = [];
    const verdicts: RuleVerdict[] = [];
    // Copy-on-write, once per call: the caller's state is never mutated; the maps and entries copied
    // here are ours, so later observations of the same call update them in place.
    let ruleStates = state.rules;
    let ruleStatesCopied = false;
    const owned = new Map<string, RuleCellState>();
    for (const observation of observations) {
      const candidates = bySignal.get(observation.signal);
      if (candidates === undefined) continue;
      for (const c of candidates) {
        if (!ruleCoversCell(c.rule, cell)) continue;
        const id = c.rule.id;
        let entry = owned.get(id);
        if (entry === undefined) {
          const previous = ruleStates[id]?.[cell.cellId];
          // A persisted entry from an older version of the rule keeps its alert but restarts the detector.
          entry =
            previous === undefined
              ? freshEntry(c)
              : previous.configKey === c.configKey
                ? { ...previous }
                : { ...previous, configKey: c.configKey, detector: c.detector.init(), insideSinceMs: null };
          if (!ruleStatesCopied) {
            ruleStates = { ...ruleStates };
            ruleStatesCopied = true;
          }
          ruleStates[id] = { ...ruleStates[id], [cell.cellId]: entry };
          owned.set(id, entry);
        }
        const step = c.detector.step(entry.detector, observation);
        entry.detector = step.state;
        if (collectVerdicts) verdicts.push({ ruleId: id, verdict: step.verdict });
        const transition = advance(c.rule, entry, cell.cellId, observation, step.verdict);
        if (transition !== null) events.push(transition);
      }
    }
    return { state: { rules: ruleStates }, events, verdicts };
  }

  return {
    rules,
    init: () => ({ rules: {} }),
    step(state, cell, observation) {
      return stepAll(state, cell, [observation]);
    },
    stepAll,
    resolve(state, ruleId, cellId, tsMs) {
      const c = byId.get(ruleId);
      const entry = state.rules[ruleId]?.[cellId];
      if (c === undefined || entry === undefined || entry.open === null)
        return { state, events: [], verdicts: [] };
      const closed: RuleCellState = { ...entry, open: null, insideSinceMs: null, lastResolvedMs: tsMs };
      const resolveEvent: AlertEvent = {
        type: 'resolve',
        ruleId,
        cellId,
        signal: c.rule.signal,
        detector: c.rule.detector.kind,
        severity: c.rule.severity,
        value: null,
        baseline: null,
        cycle: null,
        soc: null,
        regime: null,
        tsMs,
        openedAtMs: entry.open.openedAtMs,
        resolvedBy: 'manual',
        detail: 'resolved by hand',
      };
      return {
        state: { rules: { ...state.rules, [ruleId]: { ...state.rules[ruleId], [cellId]: closed } } },
        events: [resolveEvent],
        verdicts: [],
      };
    },
  };
}
