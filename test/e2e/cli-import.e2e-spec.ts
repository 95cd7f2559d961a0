import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../../apps/cli/test-support/run-cli';
import { syntheticArbin } from '../../apps/cli/test-support/synthetic-arbin';
import { cliService } from '../support/cli-service';
import { sampleCell, type TestApp } from '../support/test-app';

const FIXTURES = resolve(__dirname, '../../../shared/fixtures/cyclers');
const ARBIN = resolve(FIXTURES, 'arbin/arbin_example.csv');
const LANDT_BDF = resolve(FIXTURES, 'bdf/SINTEF__LiGrR2032__2024-04-30__25degC__Landt.bdf.csv');
const EIS = resolve(FIXTURES, 'biologic_eis/exampleDataBioLogic.mpt');

const cli = cliService('twin-cli-import-');
let t: TestApp;
let dir: string;
let env: Record<string, string>;
beforeAll(() => void ({ t, dir, env } = cli));

async function storedSeqs(cellId: string): Promise<number[]> {
  return (await t.allSamples(cellId)).map((s: { seq: number }) => s.seq);
}

/** Data rows counted without the parser: non-blank lines after the header lines. */
function countDataLines(path: string, headerLines: number): number {
  return readFileSync(path, 'latin1')
    .split(/\r?\n/)
    .slice(headerLines)
    .filter((l) => l.trim() !== '').length;
}

const importJson = async (args: string[]) => {
  const r = await runCli(['import', ...args, '--json', '--quiet'], env);
  return { ...r, summary: r.code === 0 ? JSON.parse(r.stdout.trim()) : null };
};

describe('twin import (real child process against the real service)', () => {
  it('streams a file in batches, prints the JSON summary, and a second run adds nothing', async () => {
    await t.request('POST', '/cells', sampleCell('cli-1'));
    const file = syntheticArbin(3001);
    const path = join(dir, 'run.csv');
    writeFileSync(path, file.text);
    const first = await importJson([path, '--cell', 'cli-1', '--batch', '500']);
    expect(first.code).toBe(0);
    const { cycles, ...rest } = first.summary;
    expect(rest).toEqual({
      format: 'arbin-csv',
      rows: 3001,
      firstTs: new Date(file.firstTsMs).toISOString(),
      lastTs: new Date(file.lastTsMs).toISOString(),
      voltageMinV: file.voltageMinV,
      voltageMaxV: file.voltageMaxV,
      spectra: 0,
      warnings: [],
      accepted: 3001,
      duplicates: 0,
      rejected: 0,
    });
    expect(cycles.map((c: { index: number }) => c.index)).toEqual([1, 2]);
    file.cycles.forEach((c, i) => {
      expect(cycles[i].chargeAh).toBeCloseTo(c.chargeAh, 12);
      expect(cycles[i].dischargeAh).toBeCloseTo(c.dischargeAh, 12);
    });
    expect(await storedSeqs('cli-1')).toEqual(Array.from({ length: 3001 }, (_, i) => i));
    const again = await importJson([path, '--cell', 'cli-1']);
    expect(again.summary).toMatchObject({ rows: 3001, accepted: 0, duplicates: 3001 });
  });

  it('resumes an import killed mid-way: the re-run stores exactly the missing rows', async () => {
    await t.request('POST', '/cells', sampleCell('cli-kill'));
    const total = 40_000;
    const path = join(dir, 'long.csv');
    writeFileSync(path, syntheticArbin(total).text);
    const child = spawnCli(['import', path, '--cell', 'cli-kill', '--batch', '100', '--quiet'], env);
    const cursorAt = (seq: number) => Buffer.from(`seq:${seq}`).toString('base64url');
    for (;;) {
      const probe = await t.request('GET', `/cells/cli-kill/samples?limit=1&next=${cursorAt(2000)}`);
      if (probe.body.samples.length > 0) break;
      if (child.child.exitCode !== null) throw new Error(`import ended early: ${child.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.child.kill('SIGKILL');
    await child.exited;
    await new Promise((r) => setTimeout(r, 300)); // a batch in flight when killed still commits
    const before = (await storedSeqs('cli-kill')).length;
    expect(before).toBeGreaterThan(2000);
    expect(before).toBeLessThan(total);
    const resumed = await importJson([path, '--cell', 'cli-kill']);
    expect(resumed.summary).toMatchObject({ rows: total, accepted: total - before, duplicates: before });
    expect(await storedSeqs('cli-kill')).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('a prefix of a file then the whole file stores each row once', async () => {
    await t.request('POST', '/cells', sampleCell('cli-prefix'));
    const file = syntheticArbin(1000, 1_760_000_000, '\n');
    const lines = file.text.split('\n');
    writeFileSync(join(dir, 'prefix.csv'), lines.slice(0, 401).join('\n') + '\n');
    writeFileSync(join(dir, 'whole.csv'), file.text);
    expect((await importJson([join(dir, 'prefix.csv'), '--cell', 'cli-prefix'])).summary.accepted).toBe(400);
    const whole = await importJson([join(dir, 'whole.csv'), '--cell', 'cli-prefix']);
    expect(whole.summary).toMatchObject({ accepted: 600, duplicates: 400 });
  });

  it('exits 1 naming the malformed line; exits 1 on an unknown cell; exits 2 on bad usage', async () => {
    await t.request('POST', '/cells', sampleCell('cli-bad'));
    const lines = syntheticArbin(50).text.split('\r\n');
    lines[30] = lines[30].replace(/,3\.\d+,/, ',3.4x,');
    const path = join(dir, 'bad.csv');
    writeFileSync(path, lines.join('\r\n'));
    const bad = await runCli(['import', path, '--cell', 'cli-bad', '--json', '--quiet'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.csv: line 31: column "Voltage": "3\.4x" is not a number/);
    expect(JSON.parse(bad.stdout)).toEqual({
      error: { message: expect.stringMatching(/^line 31: /), line: 31 },
    });
    const good = join(dir, 'good.csv');
    writeFileSync(good, syntheticArbin(5).text);
    const ghost = await runCli(['import', good, '--cell', 'no-such-cell', '--quiet'], env);
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/HTTP 404/);
    const usage = await runCli(['import', path], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--cell is required/);
    expect((await runCli(['import', path, '--cell', 'x', '--format', 'excel'], env)).code).toBe(2);
  });

  it('adds the cell to a campaign; warns and goes on when the campaign answers 404', async () => {
    await t.request('POST', '/cells', sampleCell('cli-camp'));
    await t.request('POST', '/cells', sampleCell('cli-camp-0'));
    const path = join(dir, 'camp.csv');
    writeFileSync(path, syntheticArbin(10).text);
    const created = await t.request('POST', '/campaigns', {
      id: 'camp-1',
      name: 'C',
      cellIds: ['cli-camp-0'],
    });
    expect(created.status).toBe(201);
    const added = await importJson([path, '--cell', 'cli-camp', '--campaign', 'camp-1']);
    expect(added.summary.warnings).toEqual([]);
    expect((await t.request('GET', '/campaigns/camp-1')).body.cellIds).toEqual(['cli-camp-0', 'cli-camp']);
    const r = await importJson([path, '--cell', 'cli-camp', '--campaign', 'no-such-campaign']);
    expect(r.code).toBe(0);
    expect(r.summary.duplicates).toBe(10);
    expect(r.summary.warnings).toEqual([
      { message: expect.stringMatching(/campaign no-such-campaign: .*404/) },
    ]);
  });

  describe.skipIf(!existsSync(FIXTURES))('real fixtures (../shared absent: skipped)', () => {
    it('arbin_example.csv: 2142 rows, 2017-07-02 14:39:13 to ~16:24:21 UTC, cycles 1 and 2', async () => {
      await t.request('POST', '/cells', sampleCell('cli-arbin'));
      const r = await importJson([ARBIN, '--cell', 'cli-arbin']);
      expect(r.code).toBe(0);
      const rows = countDataLines(ARBIN, 1);
      expect(rows).toBe(2142);
      expect(r.summary).toMatchObject({ format: 'arbin-csv', rows, accepted: rows, rejected: 0 });
      expect(r.summary.firstTs).toBe('2017-07-02T14:39:13.000Z');
      // DateTime − Test_Time wanders by up to ±0.7 s (fixtures README); times follow Test_Time.
      expect(Math.abs(Date.parse(r.summary.lastTs) - Date.parse('2017-07-02T16:24:21Z'))).toBeLessThan(1000);
      expect(r.summary.cycles.map((c: { index: number }) => c.index)).toEqual([1, 2]);
      expect((await storedSeqs('cli-arbin')).length).toBe(rows);
      expect((await importJson([ARBIN, '--cell', 'cli-arbin'])).summary).toMatchObject({
        accepted: 0,
        duplicates: rows,
      });
    });

    it('the Landt BDF file (no absolute time) with --start: 25162 rows from that start', async () => {
      await t.request('POST', '/cells', sampleCell('cli-bdf'));
      const r = await importJson([LANDT_BDF, '--cell', 'cli-bdf', '--start', '2024-04-30T08:00:00Z']);
      expect(r.code).toBe(0);
      expect(r.summary).toMatchObject({ format: 'bdf-csv', rows: 25_162, accepted: 25_162 });
      expect(Date.parse(r.summary.firstTs)).toBeGreaterThanOrEqual(Date.parse('2024-04-30T08:00:00Z'));
      expect(r.summary.warnings.some((w: { message: string }) => /no start time/.test(w.message))).toBe(true);
    });

    it('an impedance file: spectra go to POST /cells/:id/spectra', async () => {
      await t.request('POST', '/cells', sampleCell('cli-eis'));
      const r = await importJson([EIS, '--cell', 'cli-eis']);
      expect(r.code).toBe(0);
      expect(r.summary.format).toBe('biologic-mpt');
      expect(r.summary.spectra).toBeGreaterThan(0);
      const stored = await t.request('GET', '/cells/cli-eis/spectra');
      const unsupported = r.summary.warnings.some((w: { message: string }) =>
        /no spectra endpoint/.test(w.message),
      );
      expect(unsupported ? 0 : stored.body.spectra.length).toBe(unsupported ? 0 : r.summary.spectra);
    });
  });
});
