import { describe, expect, it } from 'vitest';
import { validateSamples } from './sample-validation';

const policy = { nowMs: Date.UTC(2026, 0, 1), maxFutureSkewMs: 86_400_000 };
const good = { seq: 0, ts: '2025-12-31T23:00:00Z', voltageV: 3.7, currentA: 0.1 };

describe('validateSamples', () => {
  it('normalises ISO and epoch timestamps to epoch ms', () => {
    const { valid, rejected } = validateSamples(
      [good, { ...good, seq: 1, ts: Date.UTC(2025, 11, 31, 23, 0, 1) }],
      policy,
    );
    expect(rejected).toEqual([]);
    expect(valid.map((s) => s.tsMs)).toEqual([Date.UTC(2025, 11, 31, 23), Date.UTC(2025, 11, 31, 23, 0, 1)]);
    expect(valid[0]).toMatchObject({ temperatureC: null, cycle: null, step: null });
  });

  it('rejects each bad sample with its index, field and reason, keeping the rest', () => {
    const batch = [
      good,
      { ...good, seq: -1 },
      { ...good, seq: 2, voltageV: 12 },
      { ...good, seq: 3, currentA: 'x' },
      { ...good, seq: 4, ts: 'yesterday' },
      { seq: 5, ts: good.ts, currentA: 1 },
      { ...good, seq: 6, ts: Date.UTC(2027, 0, 1) },
      'not an object',
      { ...good, seq: 1.5 },
      { ...good, seq: 9, temperatureC: Infinity },
      { ...good, seq: 10 },
    ];
    const { valid, rejected } = validateSamples(batch, policy);
    expect(valid.map((s) => s.seq)).toEqual([0, 10]);
    expect(rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'seq'],
      [2, 'voltageV'],
      [3, 'currentA'],
      [4, 'ts'],
      [5, 'voltageV'],
      [6, 'ts'],
      [7, 'sample'],
      [8, 'seq'],
      [9, 'temperatureC'],
    ]);
    expect(rejected[1].reason).toMatch(/0–10 V/);
    expect(rejected[4].reason).toBe('required');
    expect(rejected[5].reason).toMatch(/future/);
  });
});

describe('cycle and step bounds', () => {
  it('rejects a cycle or step beyond the stored integer column, naming the field', () => {
    const { valid, rejected } = validateSamples(
      [
        { ...good, cycle: 2_147_483_648 },
        { ...good, seq: 2, step: 2 ** 40 },
        { ...good, seq: 3, cycle: 2_147_483_647 },
      ],
      { nowMs: Date.UTC(2030, 0, 1), maxFutureSkewMs: 0 },
    );
    expect(valid.map((s) => s.seq)).toEqual([3]);
    expect(rejected).toEqual([
      { index: 0, field: 'cycle', reason: 'must be ≤ 2147483647' },
      { index: 1, field: 'step', reason: 'must be ≤ 2147483647' },
    ]);
  });
});

describe('validateSamples fast path agrees with the schema', () => {
  it('accepts and rejects the same samples as the zod schema alone', async () => {
    const { sampleInputSchema } = await import('./ingest.schema');
    const variants: unknown[] = [
      good,
      { ...good, ts: 1767222000000 },
      { ...good, ts: '2025-12-31T23:00:00+01:00' },
      { ...good, ts: '2025-12-31T23:00:00' },
      { ...good, temperatureC: null, cycle: null, step: 3 },
      { ...good, temperatureC: -300 },
      { ...good, cycle: -1 },
      { ...good, step: 1.5 },
      { ...good, cycle: 2_147_483_647, step: 2_147_483_647 },
      { ...good, cycle: 2_147_483_648 },
      { ...good, step: 2 ** 40 },
      { ...good, seq: Number.MAX_SAFE_INTEGER + 2 },
      { ...good, voltageV: 10 },
      { ...good, voltageV: 10.0001 },
      { ...good, currentA: Infinity },
      { ...good, seq: '1' },
      null,
      [],
    ];
    for (const v of variants) {
      const schemaOk = sampleInputSchema.safeParse(v).success;
      const { valid } = validateSamples([v], { nowMs: Date.UTC(2030, 0, 1), maxFutureSkewMs: 0 });
      expect(valid.length === 1, JSON.stringify(v)).toBe(schemaOk);
    }
  });
});
