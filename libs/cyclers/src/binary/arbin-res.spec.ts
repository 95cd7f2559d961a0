import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MDBReader from 'mdb-reader';
import { describe, expect, it } from 'vitest';
import { createParser } from '../create-parser';
import { CyclerParseError } from '../parser.types';
import { summarizeRecords } from '../summary';
import { createArbinResParser } from './arbin-res.parser';
import { parseInChunks, samplesOf } from './testing/push-in-chunks';

const FIXTURE = resolve(__dirname, '../../../../../shared/fixtures/cyclers/arbin/arbin_example.res');

/** Page 0 of a Jet 4 file starts 00 01 00 00 "Standard Jet DB\0" (then the version byte, 1 = Jet 4). */
function jetHead(totalBytes: number): Uint8Array {
  const bytes = new Uint8Array(totalBytes);
  bytes.set([0x00, 0x01, 0x00, 0x00]);
  bytes.set(new TextEncoder().encode('Standard Jet DB\0'), 4);
  bytes[0x14] = 1;
  return bytes;
}

/*
 * No Access file can be built here (no writer in mdb-reader or our dependencies, and a hand-made Jet
 * page structure would test our writer more than the parser), so the tests without ../shared cover
 * the refusals only; the Arbin table mapping is tested on the real fixture below.
 */
describe('createArbinResParser on non-Arbin input', () => {
  it('refuses a file that is not an Access database, naming why', () => {
    const csv = new TextEncoder().encode('Data_Point,Test_Time(s),Voltage(V)\n1,0,3.7\n');
    const parser = createArbinResParser();
    expect(parser.push(csv)).toEqual([]);
    expect(() => parser.end()).toThrowError(CyclerParseError);
    expect(() => createArbinResParser().end()).toThrowError(/not an MS Access \(Jet\/ACE\) database/);
  });

  it('refuses a file with the Jet signature but no readable database behind it', () => {
    const parser = createArbinResParser();
    parser.push(jetHead(4096));
    expect(() => parser.end()).toThrowError(/byte 0: unreadable Access database/);
    expect(parser.info).toBeNull();
  });

  it('rejects push after end', () => {
    const parser = createArbinResParser();
    expect(() => parser.end()).toThrowError(CyclerParseError);
    expect(() => parser.push(new Uint8Array(1))).toThrowError(/after end/);
  });
});

describe.skipIf(!existsSync(FIXTURE))(
  `createArbinResParser on arbin_example.res ${existsSync(FIXTURE) ? '' : `(skipped: ${FIXTURE} not found; the fixtures live in <repo>/../shared)`}`,
  () => {
    const bytes = existsSync(FIXTURE) ? new Uint8Array(readFileSync(FIXTURE)) : new Uint8Array();
    const parse = (chunkBytes?: number) => {
      const parser = createArbinResParser();
      const records = parseInChunks(parser, bytes, chunkBytes);
      return { parser, records, samples: samplesOf(records) };
    };
    // Collection runs this body even when skipped, and without the fixture there is nothing to parse.
    const { parser, records, samples } = existsSync(FIXTURE)
      ? parse()
      : { parser: createArbinResParser(), records: [], samples: [] };

    it('yields the 2150 rows in Data_Point order, with the README time span', () => {
      expect(samples).toHaveLength(2150);
      expect(samples.map((s) => s.seq)).toEqual(samples.map((_, i) => i));
      // Storage order is not Data_Point order (README); sorted, time never runs backwards (step ends
      // can log two rows within the same millisecond).
      for (let i = 1; i < samples.length; i++) {
        expect(samples[i]!.tsMs).toBeGreaterThanOrEqual(samples[i - 1]!.tsMs);
      }
      // Start_DateTime 45131.78472222222 = 2023-07-24 18:50:00; first Test_Time 0.0726 s.
      expect(samples[0]!.tsMs).toBe(Date.UTC(2023, 6, 24, 18, 50, 0) + 73);
      // Last Test_Time 345 733.389 s = 4 d + 133.389 s after the start.
      expect(samples.at(-1)!.tsMs).toBe(Date.UTC(2023, 6, 28, 18, 52, 13, 389));
      expect(parser.info).toMatchObject({
        format: 'arbin-res',
        startTimeMs: Date.UTC(2023, 6, 24, 18, 50, 0),
        timeZoneAssumed: true,
        cycleColumn: 'Cycle_Index',
      });
      expect(parser.info?.metadata).toMatchObject({
        Test_Name: 'ajm314_LCO_ajm5-SSB1-F_Wait48hr-Repeat-01-012',
        Version: 'Results File 5.23',
      });
      expect(parser.warnings.map((w) => w.message)).toEqual([
        'Arbin Global_Table Start_DateTime + Test_Time is local wall-clock time with no zone; UTC assumed',
      ]);
    });

    it('agrees with the per-row DateTime column (README: last row 2023-07-28 18:52:20) within the clock drift', () => {
      // The wall clock runs ~7 s ahead of Test_Time over 4 days (20 ppm), and DateTime is rounded to 1 s.
      const lastWallMs = Date.UTC(2023, 6, 28, 18, 52, 20);
      expect(lastWallMs - samples.at(-1)!.tsMs).toBeGreaterThan(6000);
      expect(lastWallMs - samples.at(-1)!.tsMs).toBeLessThan(8000);
    });

    it('keeps SI values, cycles 1–5 and steps as in the README', () => {
      const voltages = samples.map((s) => s.voltageV);
      expect(Math.min(...voltages)).toBeCloseTo(3.0, 3);
      expect(Math.max(...voltages)).toBeCloseTo(4.3, 3);
      const currents = samples.map((s) => s.currentA);
      expect(Math.max(...currents)).toBeCloseTo(87e-6, 6);
      expect(Math.min(...currents)).toBeCloseTo(-87e-6, 6);
      expect(new Set(samples.map((s) => s.cycle))).toEqual(new Set([1, 2, 3, 4, 5]));
      expect(new Set(samples.map((s) => s.step))).toEqual(new Set([1, 2, 3, 4, 5]));
      // Step 5 (cycle advance) is logged with the next cycle: the 2 last rows are cycle 5.
      expect(samples.filter((s) => s.cycle === 5).map((s) => s.step)).toEqual([5, 5]);
    });

    it('has current positive on charge: voltage rises over every step 2 and falls over every step 3', () => {
      for (const cycle of [1, 2, 3, 4]) {
        const charge = samples.filter((s) => s.cycle === cycle && s.step === 2);
        const discharge = samples.filter((s) => s.cycle === cycle && s.step === 3);
        expect(charge.every((s) => s.currentA > 0)).toBe(true);
        expect(charge.at(-1)!.voltageV).toBeGreaterThan(charge[0]!.voltageV + 0.3);
        expect(discharge.every((s) => s.currentA < 0)).toBe(true);
        expect(discharge.at(-1)!.voltageV).toBeLessThan(discharge[0]!.voltageV - 0.3);
      }
    });

    it("integrates cycle 1's charge to the file's own Charge_Capacity within 1%", () => {
      // The file's counter, read straight from the table (not through the parser).
      const table = new MDBReader(Buffer.from(bytes)).getTable('Channel_Normal_Table');
      const rows = table.getData<{ Cycle_Index: number; Charge_Capacity: number }>({
        columns: ['Cycle_Index', 'Charge_Capacity'],
      });
      const fileChargeAh = Math.max(...rows.filter((r) => r.Cycle_Index === 1).map((r) => r.Charge_Capacity));
      expect(fileChargeAh).toBeCloseTo(0.4835e-3, 6);
      const summary = summarizeRecords('arbin-res', records, parser.warnings);
      const cycle1 = summary.cycles.find((c) => c.index === 1)!;
      expect(Math.abs(cycle1.chargeAh - fileChargeAh) / fileChargeAh).toBeLessThan(0.01);
    });

    it('gives the same records pushed in 1000-byte chunks, and through createParser("auto")', () => {
      expect(parse(1000).records).toEqual(records);
      const auto = createParser('auto', { fileName: 'arbin_example.res' });
      expect(parseInChunks(auto, bytes, 4096)).toEqual(records);
      expect(auto.info?.format).toBe('arbin-res');
    });
  },
);
