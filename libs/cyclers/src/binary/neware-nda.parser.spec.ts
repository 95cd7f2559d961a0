import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CyclerParseError } from '../parser.types';
import { createNdaParser } from './neware-nda.parser';
import { parseInChunks, samplesOf } from './testing/push-in-chunks';
import { writeSyntheticNda, type SyntheticNdaRecord } from './testing/synthetic-nda.writer';

const FIXTURE = resolve(__dirname, '../../../../../shared/fixtures/cyclers/neware/TestFile.nda');
const T0 = 1_700_000_000;

// rest → CC discharge → CC charge → CV charge → CC discharge → CC charge: cycles 1,1,2,2,2,3.
const RECORDS: SyntheticNdaRecord[] = [
  {
    step: 1,
    status: 4,
    index: 1,
    testTimeS: 0.5,
    currentMA: 0,
    voltageV: 3.5,
    unixS: T0 + 0.5,
    temperatureC: 25,
  },
  {
    step: 2,
    status: 2,
    index: 2,
    testTimeS: 10.5,
    currentMA: -1500,
    voltageV: 3.25,
    unixS: T0 + 10.5,
    temperatureC: 25.5,
  },
  {
    step: 3,
    status: 1,
    index: 3,
    testTimeS: 20.5,
    currentMA: 750,
    voltageV: 3.75,
    unixS: T0 + 20.5,
    temperatureC: 26,
  },
  {
    step: 4,
    status: 3,
    index: 4,
    testTimeS: 30.5,
    currentMA: 125,
    voltageV: 4.25,
    unixS: T0 + 30.5,
    temperatureC: 26,
  },
  {
    step: 5,
    status: 2,
    index: 5,
    testTimeS: 40.5,
    currentMA: -1500,
    voltageV: 3.0,
    unixS: T0 + 40.5,
    temperatureC: 25,
  },
  {
    step: 6,
    status: 1,
    index: 6,
    testTimeS: 50.5,
    currentMA: 750,
    voltageV: 3.5,
    unixS: T0 + 600.5,
    temperatureC: 25,
  },
];

function parse(bytes: Uint8Array, chunk?: number) {
  const parser = createNdaParser();
  return { parser, samples: samplesOf(parseInChunks(parser, bytes, chunk)) };
}

describe('createNdaParser on a synthetic file', () => {
  it('decodes BTS 9.1 records: mA → A, Unix time, derived cycles', () => {
    const { parser, samples } = parse(writeSyntheticNda(RECORDS));
    expect(samples).toEqual([
      { seq: 0, tsMs: T0 * 1000 + 500, voltageV: 3.5, currentA: 0, temperatureC: 25, cycle: 1, step: 1 },
      {
        seq: 1,
        tsMs: T0 * 1000 + 10_500,
        voltageV: 3.25,
        currentA: -1.5,
        temperatureC: 25.5,
        cycle: 1,
        step: 2,
      },
      {
        seq: 2,
        tsMs: T0 * 1000 + 20_500,
        voltageV: 3.75,
        currentA: 0.75,
        temperatureC: 26,
        cycle: 2,
        step: 3,
      },
      {
        seq: 3,
        tsMs: T0 * 1000 + 30_500,
        voltageV: 4.25,
        currentA: 0.125,
        temperatureC: 26,
        cycle: 2,
        step: 4,
      },
      {
        seq: 4,
        tsMs: T0 * 1000 + 40_500,
        voltageV: 3.0,
        currentA: -1.5,
        temperatureC: 25,
        cycle: 2,
        step: 5,
      },
      // The wall clock, not the test clock, dates a record written after a pause.
      {
        seq: 5,
        tsMs: T0 * 1000 + 600_500,
        voltageV: 3.5,
        currentA: 0.75,
        temperatureC: 25,
        cycle: 3,
        step: 6,
      },
    ]);
    expect(parser.info).toMatchObject({
      format: 'neware-nda',
      startTimeMs: T0 * 1000,
      timeZoneAssumed: false,
    });
  });

  it('gives identical records whether pushed whole or one byte at a time', () => {
    const bytes = writeSyntheticNda(RECORDS);
    expect(parse(bytes, 1).samples).toEqual(parse(bytes).samples);
  });

  it('rejects other file versions, a foreign record marker and a cut record', () => {
    expect(captureError(() => parse(writeSyntheticNda(RECORDS, 29))).reason).toMatch(
      /version 29 is not supported/,
    );
    const foreign = writeSyntheticNda(RECORDS);
    foreign[1024 + 56 * 2] = 0x42;
    const error = captureError(() => parse(foreign));
    expect(error.reason).toMatch(/record marker 0x42/);
    expect(error.location.byteOffset).toBe(1024 + 56 * 2);
    const cut = writeSyntheticNda(RECORDS).slice(0, 1024 + 56 * 3 + 20);
    expect(captureError(() => parse(cut, 13)).reason).toMatch(/ends inside a 56-byte record/);
  });
});

describe.skipIf(!existsSync(FIXTURE))('createNdaParser on TestFile.nda (needs ../shared/fixtures)', () => {
  const bytes = existsSync(FIXTURE) ? readFileSync(FIXTURE) : new Uint8Array();

  it('matches the README: 6670 rows, time span, voltage range, steps 1–11', () => {
    const { samples } = parse(bytes, 4093);
    expect(samples).toHaveLength(6670);
    // README: 2024-05-27 08:02:53 to 2024-05-28 08:56:25 (Unix times, UTC).
    expect(Math.floor(samples[0]!.tsMs / 1000)).toBe(Date.UTC(2024, 4, 27, 8, 2, 53) / 1000);
    expect(Math.floor(samples.at(-1)!.tsMs / 1000)).toBe(Date.UTC(2024, 4, 28, 8, 56, 25) / 1000);
    const volts = samples.map((s) => s.voltageV);
    expect(Math.min(...volts)).toBeCloseTo(1.721, 3);
    expect(Math.max(...volts)).toBeCloseTo(4.2, 3);
    expect(new Set(samples.map((s) => s.step))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  });

  it('keeps the two records whose wall clock steps back, and warns about each', () => {
    const { parser, samples } = parse(bytes);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const unixMs = (i: number) =>
      dv.getUint32(1024 + 56 * i + 44, true) * 1000 + dv.getUint32(1024 + 56 * i + 48, true) / 1e6;
    const backwards = samples.flatMap((_, i) => (i > 0 && unixMs(i) <= unixMs(i - 1) ? [i] : []));
    expect(backwards).toHaveLength(2);
    expect(samples.flatMap((s, i) => (i > 0 && s.tsMs <= samples[i - 1]!.tsMs ? [i] : []))).toEqual(
      backwards,
    );
    expect(parser.warnings.filter((w) => /goes back or repeats/.test(w.message))).toHaveLength(2);
  });

  it('current sign follows the status byte and its time integral equals the stored capacity', () => {
    const { samples } = parse(bytes);
    // Independent read of the status (byte 3) and the capacity field (f32 mA·s at byte 28).
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const status = (i: number) => bytes[1024 + 56 * i + 3]!;
    const capacityMAs = (i: number) => dv.getFloat32(1024 + 56 * i + 28, true);
    samples.forEach((s, i) => {
      const st = status(i);
      if (st === 1 || st === 3) expect(s.currentA).toBeGreaterThan(0);
      if (st === 2) expect(s.currentA).toBeLessThan(0);
      if (st === 4) expect(s.currentA).toBe(0);
    });
    // First CC charge (step 4): Σ I·Δt (trapezoid, on the record test times) vs the capacity counter at its end.
    const testTime = (i: number) =>
      dv.getUint32(1024 + 56 * i + 12, true) + dv.getUint32(1024 + 56 * i + 16, true) * 1e-9;
    const idx = samples.flatMap((s, i) => (s.step === 4 ? [i] : []));
    let integralMAs = 0;
    for (let k = 1; k < idx.length; k++) {
      const [a, b] = [idx[k - 1]!, idx[k]!];
      integralMAs += ((samples[a]!.currentA + samples[b]!.currentA) / 2) * 1000 * (testTime(b) - testTime(a));
    }
    const storedMAs = capacityMAs(idx.at(-1)!) - capacityMAs(idx[0]!);
    expect(integralMAs / storedMAs).toBeCloseTo(1, 3);
    // 20.36e6 mA·s = 5.66 Ah: a plausible cell only if the current is read in mA.
    expect(storedMAs / 3.6e6).toBeCloseTo(5.65, 1);
  });

  it('derives cycles from discharge → charge transitions (README: no cycle field)', () => {
    const { parser, samples } = parse(bytes);
    // Independent: count charge steps that start after a discharge has been seen, from the status bytes.
    let expected = 1;
    let sawDischarge = false;
    let previous = 0;
    const cycles: number[] = [];
    for (let i = 0; i < samples.length; i++) {
      const st = bytes[1024 + 56 * i + 3]!;
      const charge = st === 1 || st === 3;
      if (charge && !(previous === 1 || previous === 3) && sawDischarge) {
        expected++;
        sawDischarge = false;
      }
      if (st === 2) sawDischarge = true;
      if (st !== 4) previous = st;
      cycles.push(expected);
    }
    expect(samples.map((s) => s.cycle)).toEqual(cycles);
    expect(Math.max(...cycles)).toBe(3);
    expect(parser.info?.cycleColumn).toMatch(/derived/);
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
