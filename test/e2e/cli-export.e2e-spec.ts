import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from '@twin/cyclers';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../apps/cli/test-support/run-cli';
import { syntheticArbin } from '../../apps/cli/test-support/synthetic-arbin';
import { cliService } from '../support/cli-service';
import { sampleCell, type TestApp } from '../support/test-app';

const cli = cliService('twin-cli-export-');
let t: TestApp;
let dir: string;
let env: Record<string, string>;
beforeAll(() => void ({ t, dir, env } = cli));

async function stored(cellId: string): Promise<any[]> {
  return t.allSamples(cellId);
}

function parseBdf(path: string) {
  const parser = createParser('bdf-csv');
  const records = [...parser.push(readFileSync(path)), ...parser.end()];
  return records.map((r) => {
    if (r.kind !== 'sample') throw new Error('unexpected spectrum');
    const s = r.sample;
    return {
      ts: new Date(s.tsMs).toISOString(),
      voltageV: s.voltageV,
      currentA: s.currentA,
      temperatureC: s.temperatureC ?? null,
      cycle: s.cycle ?? null,
      step: s.step ?? null,
    };
  });
}

const withoutSeq = ({ seq: _seq, ...rest }: { seq: number }) => rest;

describe('twin export (real child process)', () => {
  it('BDF round trip: import, export, parse the BDF with the library: the same samples', async () => {
    await t.request('POST', '/cells', sampleCell('exp-1'));
    const file = syntheticArbin(60_123);
    writeFileSync(join(dir, 'in.csv'), file.text);
    expect((await runCli(['import', join(dir, 'in.csv'), '--cell', 'exp-1', '--quiet'], env)).code).toBe(0);
    const out = join(dir, 'out.bdf.csv');
    const r = await runCli(['export', '--cell', 'exp-1', '--format', 'bdf', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(
      'Test Time / s,Voltage / V,Current / A,Unix Time / s,Cycle Count / 1,Step Index / 1,Surface Temperature T1 / degC',
    );
    const samples = await stored('exp-1');
    expect(samples.length).toBe(60_123);
    expect(parseBdf(out)).toEqual(samples.map(withoutSeq));

    // [from, to) on the elapsed clock t = 2i s: rows 1000..1999.
    const from = new Date(file.firstTsMs + 2000_000).toISOString();
    const to = new Date(file.firstTsMs + 4000_000).toISOString();
    const part = join(dir, 'part.bdf.csv');
    expect(
      (await runCli(['export', '--cell', 'exp-1', '--from', from, '--to', to, '--out', part], env)).code,
    ).toBe(0);
    expect(parseBdf(part)).toEqual(samples.slice(1000, 2000).map(withoutSeq));
  }, 150_000);

  it('CSV export pages through the API and writes the header once', async () => {
    const out = join(dir, 'out.csv');
    const r = await runCli(['export', '--cell', 'exp-1', '--format', 'csv', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('seq,ts,voltageV,currentA,temperatureC,cycle,step');
    expect(lines.length).toBe(1 + 60_123);
    expect(lines.filter((l) => l.startsWith('seq,')).length).toBe(1);
    expect(lines[60_123].split(',')[0]).toBe('60122');
  });

  it('exits 1 on an unknown cell', async () => {
    const r = await runCli(['export', '--cell', 'nope', '--out', join(dir, 'x.csv')], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/404/);
  });
});
