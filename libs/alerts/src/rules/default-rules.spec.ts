import { describe, expect, it } from 'vitest';
import {
  syntheticCellObservations,
  type SignalProfile,
  type SyntheticCellOptions,
} from '../testing/synthetic-cell';
import { createAlertEvaluator } from './alert-evaluator';
import type { AlertEvent } from './alert-rule.types';
import { defaultAlertRules } from './default-rules';

const ONSET = 200;

function eventsFor(options: SyntheticCellOptions): AlertEvent[] {
  const evaluator = createAlertEvaluator(defaultAlertRules());
  let state = evaluator.init();
  const events: AlertEvent[] = [];
  for (const o of syntheticCellObservations(options)) {
    const out = evaluator.step(state, { cellId: 'cell-1' }, o);
    state = out.state;
    events.push(...out.events);
  }
  return events;
}

/** Cycles from the fault's onset to the first `open` of the rule, for each seed. */
function delays(ruleId: string, profile: SignalProfile, seeds: number[], after = 60): number[] {
  return seeds.map((seed) => {
    const open = eventsFor({ cycles: ONSET + after, seed, profile }).find(
      (e) => e.type === 'open' && e.ruleId === ruleId,
    );
    return open === undefined || open.cycle === null ? Infinity : open.cycle - ONSET;
  });
}

const SEEDS = [11, 12, 13, 14, 15, 16, 17, 18];

describe('default rules on synthetic cells', () => {
  it('a stable, noisy cell gives no alarm over 1000 cycles', () => {
    expect(eventsFor({ cycles: 1000, seed: 2024 })).toEqual([]);
  });

  it('false alarms stay rare across seeds (≤ 20 % of 1000-cycle runs raise any alert; ≈ 10 % measured)', () => {
    const runs = Array.from({ length: 30 }, (_, i) => eventsFor({ cycles: 1000, seed: 100 + i }));
    const noisy = runs.filter((events) => events.length > 0).length;
    expect(noisy / runs.length).toBeLessThanOrEqual(0.2);
    // and no false alarm ever comes from a threshold, rate or regime rule at these noise levels
    const kinds = new Set(runs.flat().map((e) => e.detector));
    expect([...kinds].every((k) => k === 'cusum')).toBe(true);
  }, 60_000);

  it('interface resistance rising 1 %/cycle (σ = 2 %): CUSUM within 12 cycles, 30 % rise within 36', () => {
    const profile: SignalProfile = (s, c, v) =>
      s === 'interfaceResistanceOhmCm2' && c >= ONSET ? v * (1 + 0.01 * (c - ONSET)) : v;
    const cusum = delays('default:interface-resistance-cusum', profile, SEEDS);
    expect(Math.max(...cusum)).toBeLessThanOrEqual(12);
    expect(Math.min(...cusum)).toBeGreaterThanOrEqual(1);
    // 30 % is reached at onset + 30; two consecutive observations are required; baseline noise ±1 %.
    const rise = delays('default:interface-resistance-rise', profile, SEEDS);
    expect(Math.max(...rise)).toBeLessThanOrEqual(36);
    expect(Math.min(...rise)).toBeGreaterThanOrEqual(26);
  });

  it('contact fraction falling 0.005/cycle from 0.97: warning 10 % below its early value (onset + ~20), critical below 0.5 (+ ~94)', () => {
    const profile: SignalProfile = (s, c, v) =>
      s === 'contactFraction' && c >= ONSET ? v - 0.005 * (c - ONSET) : v;
    // 0.97 × 0.9 = 0.873 is reached 19.4 cycles after onset, plus the debounce of two readings
    for (const d of delays('default:contact-fraction-low', profile, SEEDS)) {
      expect(d).toBeGreaterThanOrEqual(18);
      expect(d).toBeLessThanOrEqual(24);
    }
    // 0.5 is reached (0.97 − 0.5)/0.005 = 94 cycles after onset
    for (const d of delays('default:contact-fraction-critical', profile, SEEDS, 110)) {
      expect(d).toBeGreaterThanOrEqual(92);
      expect(d).toBeLessThanOrEqual(98);
    }
  });

  it('a sudden 10 % ohmic jump opens an alert within 3 cycles', () => {
    const profile: SignalProfile = (s, c, v) => (s === 'ohmicResistanceOhm' && c >= ONSET ? v * 1.1 : v);
    expect(Math.max(...delays('default:ohmic-resistance-cusum', profile, SEEDS))).toBeLessThanOrEqual(3);
  });

  it('a temperature excursion to 65 °C opens in its first cycle and resolves once back below 55 °C', () => {
    const profile: SignalProfile = (s, c, v) =>
      s === 'temperatureC' && c >= ONSET && c < ONSET + 3 ? 65 : v;
    const events = eventsFor({ cycles: ONSET + 10, seed: 21, profile }).filter(
      (e) => e.ruleId === 'default:temperature-high',
    );
    // four readings per cycle 1.5 h apart: the second reading above the limit opens (debounce of 2),
    // the first two readings back at 25 °C are 1.5 h > 600 s apart, so the second one resolves.
    expect(events.map((e) => [e.type, e.cycle])).toEqual([
      ['open', ONSET],
      ['resolve', ONSET + 3],
    ]);
  });

  it('regime turning mechanical opens after three observations; capacity fading 1 %/cycle within 12 cycles', () => {
    const regime = eventsFor({
      cycles: ONSET + 10,
      seed: 22,
      regimeAt: (c) => (c >= ONSET ? 'mechanical' : 'electrostatic'),
    }).filter((e) => e.ruleId === 'default:regime-mechanical');
    expect(regime.map((e) => [e.type, e.cycle, e.baseline])).toEqual([['open', ONSET + 2, 'electrostatic']]);

    const fade: SignalProfile = (s, c, v) =>
      s === 'dischargeCapacityAh' && c >= ONSET ? v * (1 - 0.01 * (c - ONSET)) : v;
    expect(Math.max(...delays('default:capacity-fade-rate', fade, SEEDS))).toBeLessThanOrEqual(12);
  });

  it('scopes the rules to one cell when asked', () => {
    const rules = defaultAlertRules({ cellId: 'c9', voltageMaxV: 4.4 });
    expect(rules.every((r) => 'cellId' in r.scope && r.scope.cellId === 'c9' && r.id.endsWith(':c9'))).toBe(
      true,
    );
    const high = rules.find((r) => r.id === 'default:voltage-high:c9');
    expect(high?.detector).toMatchObject({ kind: 'threshold', params: { threshold: 4.4 } });
  });
});
