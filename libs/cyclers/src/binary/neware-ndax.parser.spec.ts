import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CyclerParseError } from '../parser.types';
import { createNdaxParser } from './neware-ndax.parser';
import { parseInChunks, samplesOf } from './testing/push-in-chunks';
import {
  writeSyntheticNdax,
  writeSyntheticNdc,
  type SyntheticNdcRecord,
} from './testing/synthetic-ndax.writer';

const FIXTURE = resolve(__dirname, '../../../../../shared/fixtures/cyclers/neware/test.ndax');

const day = (h: number, m: number, s: number): SyntheticNdcRecord['date'] => [2024, 3, 4, h, m, s];
// 50 records so the data spill into a second page: rest, CCCV charge, CCCV discharge, CC charge.
const RECORDS: SyntheticNdcRecord[] = Array.from({ length: 50 }, (_, i) => {
  const [step, status, currentCount, range] =
    i < 10 ? [1, 4, 0, 1] : i < 25 ? [2, 7, 12_000, 1] : i < 40 ? [3, 20, -1_500, 1000] : [4, 1, 2_000, 1000];
  return {
    index: i + 1,
    step,
    status,
    stepTimeMs: 30_000 * i,
    voltageV: 3 + i / 100,
    currentCount,
    range,
    date: day(10, Math.floor(i / 2), (i % 2) * 30),
  };
});

function parse(bytes: Uint8Array, chunk?: number) {
  const parser = createNdaxParser();
  return { parser, samples: samplesOf(parseInChunks(parser, bytes, chunk)) };
}

describe('createNdaxParser on a synthetic archive', () => {
  const bytes = writeSyntheticNdax({ testInfoStart: '2024-03-04 10:00:00', ndc: writeSyntheticNdc(RECORDS) });

  it('decodes version-5 records across pages: range scaling, wall-clock time, derived cycles', () => {
    const { parser, samples } = parse(bytes);
    expect(samples).toHaveLength(50);
    expect(samples[0]).toEqual({
      seq: 0,
      tsMs: Date.UTC(2024, 2, 4, 10, 0, 0),
      voltageV: 3,
      currentA: 0,
      cycle: 1,
      step: 1,
    });
    // 12 000 counts × 1e-4 mA = 1.2 mA on range 1.
    expect(samples[10]).toMatchObject({ currentA: 0.0012, cycle: 1, step: 2, voltageV: 3.1 });
    // −1500 counts × 0.1 mA = −150 mA on range 1000.
    expect(samples[30]).toMatchObject({ currentA: -0.15, cycle: 1, step: 3 });
    // The charge after a discharge opens cycle 2; the second page holds records 46–50.
    expect(samples[49]).toEqual({
      seq: 49,
      tsMs: Date.UTC(2024, 2, 4, 10, 24, 30),
      voltageV: 3.49,
      currentA: 0.2,
      cycle: 2,
      step: 4,
    });
    expect(parser.info).toMatchObject({
      format: 'neware-ndax',
      startTimeMs: Date.UTC(2024, 2, 4, 10),
      timeZoneAssumed: true,
    });
    expect(parser.warnings.some((w) => /UTC assumed/.test(w.message))).toBe(true);
  });

  it('gives identical records whether pushed whole or one byte at a time', () => {
    expect(parse(bytes, 1).samples).toEqual(parse(bytes).samples);
  });

  it('rejects an unsupported ndc version and an archive without data.ndc', () => {
    const v14 = writeSyntheticNdax({
      testInfoStart: '2024-03-04 10:00:00',
      ndc: writeSyntheticNdc(RECORDS, 14),
    });
    expect(captureError(() => parse(v14)).reason).toMatch(/data\.ndc version 14 .* not supported/);
    const none = writeSyntheticNdax({ testInfoStart: '2024-03-04 10:00:00' });
    expect(captureError(() => parse(none)).reason).toMatch(/no data\.ndc/);
  });

  it('rejects an unknown current range', () => {
    const bad = RECORDS.map((r, i) => (i === 3 ? { ...r, range: 7 } : r));
    const error = captureError(() => parse(writeSyntheticNdax({ ndc: writeSyntheticNdc(bad) })));
    expect(error.reason).toMatch(/unknown current range 7/);
    expect(error.location.byteOffset).toBe(4096 + 125 + 87 * 3 + 82);
  });
});

describe.skipIf(!existsSync(FIXTURE))('createNdaxParser on test.ndax (needs ../shared/fixtures)', () => {
  const bytes = existsSync(FIXTURE) ? readFileSync(FIXTURE) : new Uint8Array();

  it('matches the README: 1464 rows, 1.4995–4.3998 V, StartTime..EndTime, one cycle', () => {
    const { parser, samples } = parse(bytes, 1021);
    expect(samples).toHaveLength(1464);
    expect(samples[0]!.tsMs).toBe(Date.UTC(2024, 1, 1, 20, 24, 23));
    expect(samples.at(-1)!.tsMs).toBe(Date.UTC(2024, 1, 2, 8, 34, 23));
    // 30-s logging; a step's last record and the next step's first share one wall-clock second.
    samples.forEach((s, i) => {
      if (i === 0) return;
      expect(s.tsMs - samples[i - 1]!.tsMs).toBe(s.step === samples[i - 1]!.step ? 30_000 : 0);
    });
    const volts = samples.map((s) => s.voltageV);
    expect(Math.min(...volts)).toBe(1.4995);
    expect(Math.max(...volts)).toBe(4.3998);
    expect(new Set(samples.map((s) => s.cycle))).toEqual(new Set([1]));
    expect(parser.info?.startTimeMs).toBe(Date.UTC(2024, 1, 1, 20, 24, 23));
    expect(parser.info?.metadata.EndTime).toBe('2024-02-02 08:34:23');
  });

  it('charge is positive, discharge negative, rest zero — read against the status byte in data.ndc', () => {
    const { samples } = parse(bytes);
    // Independent: unzip the whole archive and read status (byte 17) of every 0x55 record.
    const ndc = unzipSync(bytes)['data.ndc']!;
    const statuses: number[] = [];
    for (let page = 4096; page < ndc.length; page += 4096) {
      for (let k = 0; k < 45; k++) {
        const at = page + 125 + 87 * k;
        if (ndc[at + 7] === 0x55) statuses.push(ndc[at + 17]!);
      }
    }
    expect(statuses).toHaveLength(samples.length);
    samples.forEach((s, i) => {
      if (statuses[i] === 7) expect(s.currentA).toBeGreaterThan(0);
      if (statuses[i] === 20) expect(s.currentA).toBeLessThan(0);
      if (statuses[i] === 4) expect(s.currentA).toBe(0);
    });
    expect(new Set(statuses)).toEqual(new Set([4, 7, 20]));
  });

  it('gives identical records for 1-byte and whole pushes', () => {
    expect(parse(bytes, 1).samples).toEqual(parse(bytes).samples);
  });
});

function captureError(fn: () => unknown): CyclerParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CyclerParseError) return error;
    throw error;
  }
  throw new Error('expected a CyclerParseError');
}
