import { describe, expect, it } from 'vitest';
import { createAlertEvaluator } from './alert-evaluator';
import type { AlertEvent, AlertRule, CellRef, SignalObservation } from './alert-rule.types';

const rule: AlertRule = {
  id: 'temp',
  scope: { all: true },
  signal: 'temperatureC',
  detector: { kind: 'threshold', params: { direction: 'above', threshold: 10, hysteresis: 1 } },
  severity: 'critical',
  cooldownSeconds: 3600,
  autoResolveSeconds: 600,
};

const obs = (
  tSeconds: number,
  value: number,
  signal: SignalObservation['signal'] = 'temperatureC',
): SignalObservation => ({
  signal,
  value,
  tsMs: tSeconds * 1000,
  cycle: Math.floor(tSeconds / 1000),
  soc: 0.4,
  regime: 'electrostatic',
});

function play(rules: AlertRule[], cell: CellRef, stream: SignalObservation[]): AlertEvent[] {
  const evaluator = createAlertEvaluator(rules);
  let state = evaluator.init();
  const events: AlertEvent[] = [];
  for (const o of stream) {
    const out = evaluator.step(state, cell, o);
    state = out.state;
    events.push(...out.events);
  }
  return events;
}

describe('alert evaluator', () => {
  it('de-duplicates, auto-resolves after the hold time inside the band, and honours the cool-down', () => {
    const events = play([rule], { cellId: 'c1' }, [
      obs(0, 11), // open
      obs(60, 12), // still firing: no second alert
      obs(120, 8.5), // inside (≤ 9): hold starts
      obs(600, 8), // held 480 s
      obs(660, 9.5), // in the hysteresis band: hold broken
      obs(720, 8), // hold restarts
      obs(1320, 8), // held 600 s → resolve
      obs(1400, 12), // firing, but within 3600 s of the resolve
      obs(4919, 12), // still 1 s short
      obs(4920, 12), // cool-down over → open
    ]);
    expect(events.map((e) => [e.type, e.tsMs / 1000])).toEqual([
      ['open', 0],
      ['resolve', 1320],
      ['open', 4920],
    ]);
    expect(events[0]).toMatchObject({
      ruleId: 'temp',
      cellId: 'c1',
      signal: 'temperatureC',
      detector: 'threshold',
      severity: 'critical',
      value: 11,
      baseline: 10,
      soc: 0.4,
      regime: 'electrostatic',
    });
    expect(events[1]).toMatchObject({ value: 8, openedAtMs: 0, resolvedBy: 'auto' });
  });

  it('never auto-resolves when autoResolveSeconds is null; a manual resolve starts the cool-down', () => {
    const manual = { ...rule, autoResolveSeconds: null };
    const evaluator = createAlertEvaluator([manual]);
    let state = evaluator.init();
    const cell = { cellId: 'c1' };
    const types: string[] = [];
    for (const o of [obs(0, 11), obs(100, 5), obs(100_000, 5)]) {
      const out = evaluator.step(state, cell, o);
      state = out.state;
      types.push(...out.events.map((e) => e.type));
    }
    expect(types).toEqual(['open']);
    const closed = evaluator.resolve(state, 'temp', 'c1', 100_000_000);
    expect(closed.events).toMatchObject([
      { type: 'resolve', resolvedBy: 'manual', value: null, openedAtMs: 0 },
    ]);
    const early = evaluator.step(closed.state, cell, obs(100_000 + 3599, 12));
    expect(early.events).toEqual([]);
    const late = evaluator.step(early.state, cell, obs(100_000 + 3600, 12));
    expect(late.events.map((e) => e.type)).toEqual(['open']);
  });

  it('keeps per-cell state apart and applies scopes and signals', () => {
    const rules: AlertRule[] = [
      rule,
      { ...rule, id: 'campaign-a', scope: { campaignId: 'A' } },
      { ...rule, id: 'only-c2', scope: { cellId: 'c2' } },
    ];
    const evaluator = createAlertEvaluator(rules);
    let state = evaluator.init();
    const opened = (cell: CellRef, o: SignalObservation) => {
      const out = evaluator.step(state, cell, o);
      state = out.state;
      return out.events.map((e) => `${e.ruleId}@${e.cellId}`);
    };
    expect(opened({ cellId: 'c1', campaignId: 'A' }, obs(0, 11))).toEqual(['temp@c1', 'campaign-a@c1']);
    expect(opened({ cellId: 'c2', campaignId: 'B' }, obs(0, 11))).toEqual(['temp@c2', 'only-c2@c2']);
    expect(opened({ cellId: 'c1', campaignId: 'A' }, obs(10, 11))).toEqual([]);
    expect(opened({ cellId: 'c3' }, obs(10, 50, 'voltageV'))).toEqual([]);
  });

  it('state survives a JSON round trip between observations', () => {
    const stream = [obs(0, 11), obs(120, 8.5), obs(720, 8), obs(1000, 12), obs(5000, 12)];
    const direct = play([rule], { cellId: 'c1' }, stream);
    const evaluator = createAlertEvaluator([rule]);
    let state = evaluator.init();
    const viaJson: AlertEvent[] = [];
    for (const o of stream) {
      const out = evaluator.step(JSON.parse(JSON.stringify(state)), { cellId: 'c1' }, o);
      state = out.state;
      viaJson.push(...out.events);
    }
    expect(viaJson).toEqual(direct);
    expect(direct.map((e) => e.type)).toEqual(['open', 'resolve', 'open']);
  });

  it('an edited rule keeps its open alert but restarts its detector', () => {
    const debounced: AlertRule = {
      ...rule,
      detector: {
        kind: 'threshold',
        params: { direction: 'above', threshold: 10, hysteresis: 1, minConsecutive: 2 },
      },
    };
    const first = createAlertEvaluator([debounced]);
    let state = first.init();
    state = first.step(state, { cellId: 'c1' }, obs(0, 11)).state;
    const opening = first.step(state, { cellId: 'c1' }, obs(5, 11));
    expect(opening.events.map((e) => e.type)).toEqual(['open']);
    state = opening.state;
    expect(state.rules.temp.c1.detector).toEqual({ kind: 'threshold', beyondCount: 2 });
    const edited = createAlertEvaluator([{ ...debounced, detector: { ...rule.detector } }]);
    const out = edited.step(state, { cellId: 'c1' }, obs(10, 12));
    expect(out.events).toEqual([]);
    expect(out.state.rules.temp.c1.open).toEqual({ openedAtMs: 5000, cycle: 0 });
    expect(out.state.rules.temp.c1.detector).toEqual({ kind: 'threshold', beyondCount: 1 });
  });

  it('stepAll equals folding step over the same observations, and leaves its input state alone', () => {
    const rules: AlertRule[] = [
      rule,
      {
        ...rule,
        id: 'temp-low',
        detector: { kind: 'threshold', params: { direction: 'below', threshold: 2 } },
      },
      { ...rule, id: 'volts', signal: 'voltageV', autoResolveSeconds: 60, cooldownSeconds: 0 },
      { ...rule, id: 'other-cell', scope: { cellId: 'c2' } },
    ];
    const stream: SignalObservation[] = [];
    for (let t = 0; t < 400; t++) {
      stream.push(obs(t * 30, 9 + 3 * Math.sin(t / 7)));
      stream.push(obs(t * 30, 5 + 9 * Math.sin(t / 5), 'voltageV'));
      if (t % 50 === 0) stream.push(obs(t * 30, 1, 'temperatureC'));
    }
    const evaluator = createAlertEvaluator(rules);
    const cell = { cellId: 'c1' };
    let folded = evaluator.init();
    const foldedEvents: AlertEvent[] = [];
    const foldedVerdicts: unknown[] = [];
    for (const o of stream) {
      const out = evaluator.step(folded, cell, o);
      folded = out.state;
      foldedEvents.push(...out.events);
      foldedVerdicts.push(...out.verdicts);
    }
    // in uneven chunks, each starting from the previous chunk's state
    let chunked = evaluator.init();
    const chunkedEvents: AlertEvent[] = [];
    const chunkedVerdicts: unknown[] = [];
    for (let at = 0, size = 1; at < stream.length; at += size, size = (size * 3) % 17 || 1) {
      const before = JSON.stringify(chunked);
      const out = evaluator.stepAll(chunked, cell, stream.slice(at, at + size));
      expect(JSON.stringify(chunked)).toBe(before);
      chunked = out.state;
      chunkedEvents.push(...out.events);
      chunkedVerdicts.push(...out.verdicts);
    }
    expect(foldedEvents.length).toBeGreaterThan(4);
    expect(chunkedEvents).toEqual(foldedEvents);
    expect(chunkedVerdicts).toEqual(foldedVerdicts);
    expect(chunked).toEqual(folded);
  });

  it('rejects duplicate rule ids and bad detector parameters', () => {
    expect(() => createAlertEvaluator([rule, rule])).toThrow(/duplicate/);
    expect(() =>
      createAlertEvaluator([
        {
          ...rule,
          detector: {
            kind: 'cusum',
            params: { k: 0.5, h: -1, baseline: { from: 'observations', count: 5 } },
          },
        },
      ]),
    ).toThrow(/h must be/);
  });
});
