import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CyclerParseError } from '../parser.types';
import { createArbinXlsxParser } from './arbin-xlsx.parser';
import { parseInChunks, samplesOf } from './testing/push-in-chunks';
import { writeSyntheticXlsx, type SyntheticSheet } from './testing/synthetic-xlsx.writer';

const FIXTURE = resolve(
  __dirname,
  '../../../../../shared/fixtures/cyclers/arbin/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx',
);
const HEADER = [
  'Date_Time',
  'Test_Time(s)',
  'Step_Index',
  'Cycle_Index',
  'Voltage(V)',
  'Current(A)',
  'Charge_Capacity(Ah)',
];
// Excel serial 45000.5 = 2023-03-15 12:00:00 (45000 days after 1899-12-30); 1 s = 1/86400 day.
const T0 = Date.UTC(2023, 2, 15, 12, 0, 0);
const serial = (seconds: number) => 45000.5 + seconds / 86400;

function parse(bytes: Uint8Array, chunk?: number, fallbackStartTimeMs?: number) {
  const parser = createArbinXlsxParser({ fallbackStartTimeMs });
  return { parser, samples: samplesOf(parseInChunks(parser, bytes, chunk)) };
}

describe('createArbinXlsxParser on a synthetic workbook', () => {
  const sheets: SyntheticSheet[] = [
    {
      name: 'Channel_3_1',
      header: HEADER,
      rows: [
        [serial(1), 1, 1, 1, 3.5, 0, 0],
        [serial(2), 2, 2, 1, 3.25, -0.002, 0],
      ],
    },
    {
      // Columns in another order, header as inline strings, a temperature column.
      name: 'Channel_3_2',
      header: [
        'Test_Time(s)',
        'Voltage(V)',
        'Current(A)',
        'Cycle_Index',
        'Step_Index',
        'Date_Time',
        'Aux_Temperature_1(C)',
      ],
      inlineHeader: true,
      rows: [[3, 3.75, 0.0015, 2, 3, serial(3), 24.5]],
    },
  ];
  const bytes = writeSyntheticXlsx(sheets, { header: ['Channel', 'Start DateTime'], values: [3, serial(0)] });

  it('joins every Channel_* sheet in order and maps columns by name', () => {
    const { parser, samples } = parse(bytes);
    expect(samples).toEqual([
      { seq: 0, tsMs: T0 + 1000, voltageV: 3.5, currentA: 0, cycle: 1, step: 1 },
      { seq: 1, tsMs: T0 + 2000, voltageV: 3.25, currentA: -0.002, cycle: 1, step: 2 },
      { seq: 2, tsMs: T0 + 3000, voltageV: 3.75, currentA: 0.0015, cycle: 2, step: 3, temperatureC: 24.5 },
    ]);
    expect(parser.info).toMatchObject({
      format: 'arbin-xlsx',
      startTimeMs: T0,
      timeZoneAssumed: true,
      cycleColumn: 'Cycle_Index',
    });
    expect(parser.info?.metadata['Start DateTime']).toBe(String(serial(0)));
    expect(parser.warnings.some((w) => /UTC assumed/.test(w.message))).toBe(true);
  });

  it('gives identical records whether pushed whole or one byte at a time', () => {
    expect(parse(bytes, 1).samples).toEqual(parse(bytes).samples);
  });

  it('uses Global_Info Start DateTime + Test_Time when Date_Time is absent', () => {
    const noDate = writeSyntheticXlsx(
      [{ name: 'Channel_1_1', header: HEADER.slice(1), rows: [[10, 1, 1, 3.5, 0.001, 0]] }],
      { header: ['Channel', 'Start DateTime'], values: [1, serial(0)] },
    );
    expect(parse(noDate).samples[0]!.tsMs).toBe(T0 + 10_000);
    const bare = writeSyntheticXlsx([
      { name: 'Channel_1_1', header: HEADER.slice(1), rows: [[10, 1, 1, 3.5, 0.001, 0]] },
    ]);
    const { parser, samples } = parse(bare, undefined, 1_000);
    expect(samples[0]!.tsMs).toBe(11_000);
    expect(parser.warnings.some((w) => /fallbackStartTimeMs/.test(w.message))).toBe(true);
  });

  it('names the sheet row of a non-numeric or missing value', () => {
    const bad = writeSyntheticXlsx([
      {
        name: 'Channel_1_1',
        header: HEADER,
        rows: [
          [serial(1), 1, 1, 1, 3.5, 0, 0],
          [serial(2), 2, 1, 1, 'n/a', 0, 0],
        ],
      },
    ]);
    const error = captureError(() => parse(bad));
    expect(error.reason).toMatch(/Channel_1_1: Voltage\(V\) "n\/a" is not a number/);
    expect(error.location.line).toBe(3);
    const missing = writeSyntheticXlsx([
      { name: 'Channel_1_1', header: HEADER, rows: [[serial(1), 1, 1, 1, 3.5, null, 0]] },
    ]);
    expect(captureError(() => parse(missing)).reason).toMatch(/Current\(A\) is empty/);
    const noVoltage = writeSyntheticXlsx([
      { name: 'Channel_1_1', header: ['Test_Time(s)', 'Current(A)'], rows: [[1, 0]] },
    ]);
    expect(captureError(() => parse(noVoltage)).reason).toMatch(/no voltage column/);
  });

  it('rejects a truncated archive', () => {
    expect(captureError(() => parse(bytes.slice(0, bytes.length - 30))).reason).toMatch(
      /end-of-central-directory/,
    );
  });
});

describe.skipIf(!existsSync(FIXTURE))(
  'createArbinXlsxParser on the Arbin Data Pro export (needs ../shared/fixtures)',
  () => {
    const bytes = existsSync(FIXTURE) ? readFileSync(FIXTURE) : new Uint8Array();

    it('matches the README: 4526 rows, Date_Time span, voltage and current ranges, Cycle_Index 1', () => {
      const { parser, samples } = parse(bytes, 65_536);
      expect(samples).toHaveLength(4526);
      expect(samples[0]!.tsMs).toBe(Date.UTC(2020, 9, 19, 11, 31, 46, 582));
      expect(samples.at(-1)!.tsMs).toBe(Date.UTC(2020, 10, 2, 10, 12, 1, 406));
      const volts = samples.map((s) => s.voltageV);
      expect(Math.min(...volts)).toBeCloseTo(0.05, 3);
      expect(Math.max(...volts)).toBeCloseTo(2.641, 3);
      const amps = samples.map((s) => s.currentA);
      // ±50 µA nominal; the logged extremes overshoot by a few µA.
      expect(Math.abs(Math.min(...amps) + 50e-6)).toBeLessThan(3e-6);
      expect(Math.abs(Math.max(...amps) - 50e-6)).toBeLessThan(3e-6);
      expect(new Set(samples.map((s) => s.cycle))).toEqual(new Set([1]));
      expect(new Set(samples.map((s) => s.step))).toEqual(new Set([1, 2, 3]));
      expect(parser.info?.metadata['Software Version']).toBe('PV7.0 Build: 180508USB');
    });

    it('equals exceljs reading the whole sheet, cell by cell', async () => {
      const { samples } = parse(bytes);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Channel_11_1')!;
      const header = (sheet.getRow(1).values as unknown[]).map(String);
      const at = (name: string) => header.indexOf(name);
      expect(sheet.rowCount - 1).toBe(samples.length);
      samples.forEach((s, i) => {
        const row = sheet.getRow(i + 2).values as unknown[];
        // exceljs converts the serial by another floating-point route: allow its 1-ms rounding.
        expect(Math.abs(s.tsMs - (row[at('Date_Time')] as Date).getTime())).toBeLessThanOrEqual(1);
        expect(s.voltageV).toBe(row[at('Voltage(V)')]);
        expect(s.currentA).toBe(row[at('Current(A)')]);
        expect(s.step).toBe(row[at('Step_Index')]);
        expect(s.cycle).toBe(row[at('Cycle_Index')]);
      });
    }, 60_000);
  },
);

function captureError(fn: () => unknown): CyclerParseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CyclerParseError) return error;
    throw error;
  }
  throw new Error('expected a CyclerParseError');
}
