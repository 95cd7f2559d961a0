import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CyclerParseError, type ParsedRecord } from '../parser.types';
import { createMprParser } from './biologic-mpr.parser';
import { readNaiveMpt } from './testing/naive-mpt';
import { parseInChunks, samplesOf } from './testing/push-in-chunks';
import { writeSyntheticMpr, type SyntheticMprColumn } from './testing/synthetic-mpr.writer';

const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures/cyclers');

// flags, Ns, time/s, Ewe/V, I/mA, half cycle
const CYCLING_COLUMNS: SyntheticMprColumn[] = [
  { id: 1, dtype: 'u1' },
  { id: 2, dtype: 'u1' },
  { id: 131, dtype: 'u2' },
  { id: 4, dtype: 'f8' },
  { id: 6, dtype: 'f4' },
  { id: 8, dtype: 'f4' },
  { id: 468, dtype: 'u4' },
];
// OLE 45292.5 = 2024-01-01 12:00:00 (45292 days after 1899-12-30).
const START_OLE = 45292.5;
const START_MS = Date.UTC(2024, 0, 1, 12, 0, 0);

function parse(bytes: Uint8Array, chunk?: number, fallbackStartTimeMs?: number) {
  const parser = createMprParser({ fallbackStartTimeMs });
  const records = parseInChunks(parser, bytes, chunk);
  return { parser, records };
}

describe('createMprParser on synthetic files', () => {
  const rows = [
    // flags(ox bit 0x04 | mode 1), Ns, t, Ewe, I, half cycle
    [0x05, 0, 0, 3.5, 100, 0],
    [0x05, 0, 1.5, 3.625, 100, 0],
    [0x01, 1, 3, 3.25, -50, 1],
    [0x05, 2, 4.5, 3.75, 25, 2],
  ];

  it.each(['v3', '11.50'] as const)(
    'decodes a %s layout: SI units, absolute time, cycle = floor(half cycle/2)',
    (layout) => {
      const bytes = writeSyntheticMpr({ layout, columns: CYCLING_COLUMNS, rows, logStartOleDays: START_OLE });
      const { parser, records } = parse(bytes);
      expect(samplesOf(records)).toEqual([
        { seq: 0, tsMs: START_MS, voltageV: 3.5, currentA: 0.1, cycle: 0, step: 0 },
        { seq: 1, tsMs: START_MS + 1500, voltageV: 3.625, currentA: 0.1, cycle: 0, step: 0 },
        { seq: 2, tsMs: START_MS + 3000, voltageV: 3.25, currentA: -0.05, cycle: 0, step: 1 },
        { seq: 3, tsMs: START_MS + 4500, voltageV: 3.75, currentA: 0.025, cycle: 1, step: 2 },
      ]);
      expect(parser.info).toMatchObject({
        format: 'biologic-mpr',
        startTimeMs: START_MS,
        timeZoneAssumed: true,
      });
      expect(parser.warnings.some((w) => /UTC assumed/.test(w.message))).toBe(true);
    },
  );

  it('gives identical records whether pushed whole or one byte at a time', () => {
    const bytes = writeSyntheticMpr({
      layout: '11.50',
      columns: CYCLING_COLUMNS,
      rows,
      logStartOleDays: START_OLE,
    });
    expect(parse(bytes, 1).records).toEqual(parse(bytes).records);
  });

  it('holds records until the start time is known, and streams them once it is', () => {
    const after = writeSyntheticMpr({
      layout: 'v3',
      columns: CYCLING_COLUMNS,
      rows,
      logStartOleDays: START_OLE,
    });
    const first = writeSyntheticMpr({
      layout: 'v3',
      columns: CYCLING_COLUMNS,
      rows,
      logStartOleDays: START_OLE,
      logFirst: true,
    });
    // Push everything but the last byte: with LOG last nothing can be dated yet.
    const late = createMprParser();
    expect(late.push(after.slice(0, -1))).toEqual([]);
    const early = createMprParser();
    const streamed = early.push(first.slice(0, -1));
    // The data module is last here, so the fourth record is the one still missing its last byte.
    expect(samplesOf(streamed).map((x) => x.seq)).toEqual([0, 1, 2]);
    expect([...streamed, ...early.push(first.slice(-1)), ...early.end()]).toEqual([
      ...late.push(after.slice(-1)),
      ...late.end(),
    ]);
    expect(early.info).toMatchObject({
      startTimeMs: START_MS,
      timeZoneAssumed: true,
      metadata: { ecLabVersion: '11.50' },
    });
  });

  it('derives current from dq/Δt when no current column is stored', () => {
    // time/s, Ewe/V, dq/mA.h: 0.01 mA·h over 36 s is 1 mA.
    const columns: SyntheticMprColumn[] = [
      { id: 4, dtype: 'f8' },
      { id: 6, dtype: 'f4' },
      { id: 7, dtype: 'f8' },
    ];
    const bytes = writeSyntheticMpr({
      layout: 'v3',
      columns,
      rows: [
        [0, 3, 0],
        [36, 3, 0.01],
        [72, 3, -0.02],
      ],
    });
    const samples = samplesOf(parse(bytes, undefined, 1_000_000).records);
    expect(samples.map((s) => s.currentA)).toEqual([0, 0.001, -0.002]);
    expect(samples.map((s) => s.tsMs)).toEqual([1_000_000, 1_036_000, 1_072_000]);
  });

  it('uses fallbackStartTimeMs and warns when there is no LOG module', () => {
    const bytes = writeSyntheticMpr({ layout: 'v3', columns: CYCLING_COLUMNS, rows });
    const { parser, records } = parse(bytes, 7, 5_000);
    expect(samplesOf(records).map((s) => s.tsMs)).toEqual([5_000, 6_500, 8_000, 9_500]);
    expect(parser.info?.timeZoneAssumed).toBe(false);
    expect(parser.warnings.some((w) => /fallbackStartTimeMs/.test(w.message))).toBe(true);
  });

  it('rejects an unknown column id with its byte offset', () => {
    const columns = [...CYCLING_COLUMNS.slice(0, 4), { id: 9999, dtype: 'f4' as const }];
    const bytes = writeSyntheticMpr({ layout: 'v3', columns, rows: [] });
    const error = captureError(() => parse(bytes));
    expect(error.reason).toMatch(/unknown \.mpr column id 9999/);
    // 0x34 file header + 57-byte module header + 64-byte settings body, then the data module
    // header (57) and n_points (4) + n_columns (1) + four 2-byte ids before it.
    expect(error.location.byteOffset).toBe(0x34 + 57 + 64 + 57 + 5 + 4 * 2);
  });

  it('rejects a file cut inside the records', () => {
    const bytes = writeSyntheticMpr({
      layout: 'v3',
      columns: CYCLING_COLUMNS,
      rows,
      logStartOleDays: START_OLE,
    });
    const cut = bytes.slice(0, 0x34 + 57 + 64 + 57 + 0x196 + 30);
    expect(captureError(() => parse(cut)).reason).toMatch(/ends inside the data records/);
  });

  it('rejects a file that is not an .mpr', () => {
    expect(
      captureError(() => parse(new TextEncoder().encode('EC-Lab ASCII FILE\n'.repeat(4)))).reason,
    ).toMatch(/BIO-LOGIC/);
  });
});

describe.skipIf(!existsSync(FIXTURES))(
  'createMprParser on the BioLogic fixtures (needs ../shared/fixtures)',
  () => {
    const cases = [
      { name: 'biologic/gcpl.issue_149', current: '<I>/mA' },
      { name: 'biologic/mb.issue_95', current: 'I/mA' },
      { name: 'biologic/gcpl.pr_182.1', current: '<I>/mA' },
    ];

    it.each(cases)('$name: the .mpr matches its .mpt export row by row', ({ name, current }) => {
      const mpt = readNaiveMpt(`${FIXTURES}/${name}.mpt`);
      const bytes = readFileSync(`${FIXTURES}/${name}.mpr`);
      const { parser, records } = parse(bytes, 997, 0);
      const samples = samplesOf(records);
      expect(samples).toHaveLength(mpt.rows.length);
      const start = mpt.startMs ?? 0;
      samples.forEach((s, i) => {
        const row = mpt.rows[i]!;
        expect(s.seq).toBe(i);
        expect(Math.abs(s.tsMs - (start + row['time/s']! * 1000))).toBeLessThanOrEqual(1);
        // The .mpt prints float32 values with 8 significant digits.
        expectRelativelyClose(s.voltageV, row['Ewe/V']!, 1e-6);
        expectRelativelyClose(s.currentA * 1000, row[current]!, 1e-6);
        expect(s.cycle).toBe(row['cycle number']);
        expect(s.step).toBe(row['Ns']);
      });
      expect(parser.info?.startTimeMs).toBe(mpt.startMs);
    });

    it('gcpl.pr_182.1 (no LOG module): README ranges, fallback start and cycle-1 charge of 2.616 mA·h', () => {
      const bytes = readFileSync(`${FIXTURES}/biologic/gcpl.pr_182.1.mpr`);
      const { parser, records } = parse(bytes, undefined, 1_700_000_000_000);
      const samples = samplesOf(records);
      expect(samples).toHaveLength(2533);
      const volts = samples.map((s) => s.voltageV);
      expect(Math.min(...volts)).toBeCloseTo(0.0038, 4);
      expect(Math.max(...volts)).toBeCloseTo(2.3546, 4);
      const milliamps = samples.map((s) => s.currentA * 1000);
      expect(Math.min(...milliamps)).toBeCloseTo(-0.2501, 4);
      expect(Math.max(...milliamps)).toBeCloseTo(0.2218, 4);
      expect(samples[0]!.tsMs).toBe(1_700_000_000_000);
      // README rounds the last time/s to 302 518.95 s.
      expect(Math.abs(samples.at(-1)!.tsMs - (1_700_000_000_000 + 302_518.95 * 1000))).toBeLessThan(10);
      expect(new Set(samples.map((s) => s.cycle))).toEqual(new Set([0, 1, 2, 3, 4]));
      // Charge passed in cycle 1 = Σ I·Δt over its positive-current intervals (mA·s → mA·h).
      let chargeMAs = 0;
      for (let i = 1; i < samples.length; i++) {
        const s = samples[i]!;
        if (s.cycle === 1 && s.currentA > 0)
          chargeMAs += s.currentA * 1000 * ((s.tsMs - samples[i - 1]!.tsMs) / 1000);
      }
      expect(chargeMAs / 3600).toBeCloseTo(2.616, 3);
      expect(parser.info?.startTimeMs).toBeNull();
      expect(parser.warnings.some((w) => /no VMP LOG/.test(w.message))).toBe(true);
    });

    it('gcpl.issue_149 (EC-Lab 11.50 headers): one-byte pushes give the same records', () => {
      const bytes = readFileSync(`${FIXTURES}/biologic/gcpl.issue_149.mpr`);
      expect(parse(bytes, 1).records).toEqual(parse(bytes).records);
    });

    it('peis.mpr gives one spectrum equal to peis.mpt, with Im(Z) sign flipped', () => {
      const mpt = readNaiveMpt(`${FIXTURES}/biologic_eis/peis.mpt`);
      const { records } = parse(readFileSync(`${FIXTURES}/biologic_eis/peis.mpr`), 501);
      const spectra = records.flatMap((r: ParsedRecord) => (r.kind === 'spectrum' ? [r.spectrum] : []));
      expect(spectra).toHaveLength(1);
      const spectrum = spectra[0]!;
      expect(spectrum.points).toHaveLength(32);
      spectrum.points.forEach((p, i) => {
        const row = mpt.rows[i]!;
        expect(p.fHz).toBeCloseTo(row['freq/Hz']!, 2);
        expect(p.zRealOhm).toBeCloseTo(row['Re(Z)/Ohm']!, 5);
        expect(p.zImagOhm).toBeCloseTo(-row['-Im(Z)/Ohm']!, 5);
      });
      expect(spectrum.points[0]!.fHz).toBeCloseTo(199_998, -1);
      expect(spectrum.points.at(-1)!.fHz).toBeCloseTo(1.0, 3);
      expect(spectrum.cycle).toBe(1);
      expect(Math.abs(spectrum.tsMs - (mpt.startMs! + mpt.rows[0]!['time/s']! * 1000))).toBeLessThanOrEqual(
        1,
      );
    });
  },
);

function expectRelativelyClose(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1e-3, Math.abs(expected)));
}

function captureError(fn: () => unknown): CyclerParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CyclerParseError) return error;
    throw error;
  }
  throw new Error('expected a CyclerParseError');
}
