import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, spawnCli, type CliProcess } from '../../apps/cli/test-support/run-cli';
import { syntheticArbin } from '../../apps/cli/test-support/synthetic-arbin';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, eventually, sampleCell, startTestApp, type TestApp } from '../support/test-app';

const ARBIN = resolve(__dirname, '../../../shared/fixtures/cyclers/arbin/arbin_example.csv');

let db: TestDatabase;
let t: TestApp;
let root: string;
let work: string;
let env: Record<string, string>;
const harvesters: CliProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
  root = mkdtempSync(join(tmpdir(), 'twin-harvest-root-'));
  work = mkdtempSync(join(tmpdir(), 'twin-harvest-work-'));
  env = { TWIN_URL: t.url, TWIN_TOKEN: ADMIN_TOKEN };
  writeFileSync(
    join(work, 'map.json'),
    JSON.stringify({ rules: [{ pattern: '/^(?<cell>harv-[a-z0-9]+)\\.csv$/', cellIdFrom: 'cell' }] }),
  );
  for (const id of ['harv-a', 'ref-a', 'harv-b', 'ref-b', 'harv-c', 'ref-c']) {
    await t.request('POST', '/cells', sampleCell(id));
  }
});
afterAll(async () => {
  harvesters.forEach((h) => h.child.kill('SIGKILL'));
  await t?.close();
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function startHarvester(): CliProcess {
  const h = spawnCli(
    [
      'harvest',
      root,
      '--map',
      join(work, 'map.json'),
      '--state',
      join(work, 'state.json'),
      '--poll-ms',
      '200',
      '--settle-ms',
      '1000',
    ],
    env,
  );
  harvesters.push(h);
  return h;
}

async function stop(h: CliProcess): Promise<number | null> {
  h.child.kill('SIGTERM');
  return h.exited;
}

async function stored(cellId: string): Promise<any[]> {
  return t.allSamples(cellId);
}

const count = async (cellId: string) => (await stored(cellId)).length;

async function referenceImport(bytes: Buffer | string, cellId: string): Promise<any[]> {
  const path = join(work, `${cellId}.ref`);
  writeFileSync(path, bytes);
  const r = await runCli(['import', path, '--cell', cellId, '--format', 'arbin-csv', '--quiet'], env);
  expect(r.code, r.stderr).toBe(0);
  return stored(cellId);
}

/** Data rows in a prefix of a CSV with one header line: complete (LF-terminated) lines only. */
const completeRows = (prefix: Buffer) => prefix.toString('latin1').split('\n').length - 1 - 1;

describe('twin harvest (real child process, growing files)', () => {
  it('tails a file written in chunks (split line, split CRLF) to the same samples as a one-shot import; a restart adds nothing', async () => {
    const content = existsSync(ARBIN) ? readFileSync(ARBIN) : Buffer.from(syntheticArbin(3000).text);
    expect(content.includes('\r\n')).toBe(true);
    const reference = await referenceImport(content, 'ref-a');
    // Cut points: one mid-line, one between a CR and its LF, then even pieces.
    const crlf = content.indexOf('\r\n', Math.floor(content.length * 0.3));
    const cuts = [Math.floor(content.length * 0.1) + 7, crlf + 1];
    for (let k = 4; k < 10; k++) cuts.push(Math.floor((content.length * k) / 10) + 3);
    cuts.push(content.length);
    cuts.sort((a, b) => a - b);
    expect(content[cuts[1] - 1]).toBe(0x0d);

    const h = startHarvester();
    const file = join(root, 'harv-a.csv');
    writeFileSync(file, content.subarray(0, cuts[0]));
    // Within a couple of seconds of being written, the complete rows of the first piece are stored.
    const firstRows = completeRows(content.subarray(0, cuts[0]));
    await eventually(
      () => count('harv-a'),
      (n) => n === firstRows,
      5000,
    );
    for (let i = 1; i < cuts.length; i++) {
      appendFileSync(file, content.subarray(cuts[i - 1], cuts[i]));
      await new Promise((r) => setTimeout(r, 150));
    }
    await eventually(
      () => count('harv-a'),
      (n) => n === reference.length,
      15_000,
    );
    expect(await stored('harv-a')).toEqual(reference);
    expect(await stop(h)).toBe(0);
    const state = JSON.parse(readFileSync(join(work, 'state.json'), 'utf8'));
    expect(state.files[file]).toMatchObject({
      cellId: 'harv-a',
      lastSeqSent: reference.length - 1,
      sizeConsumed: content.length,
    });

    const again = startHarvester();
    await eventually(
      async () => again.stdout(),
      (out) => /harv-a\.csv: .*skipping rows up to seq/.test(out),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(again.stdout()).not.toMatch(/harv-a\.csv: sent rows/);
    expect(await count('harv-a')).toBe(reference.length);
    expect(await stop(again)).toBe(0);
  });

  it('re-parses a file that is replaced, truncated or rewritten, without storing any row twice', async () => {
    const full = syntheticArbin(400, 1_770_000_000);
    const firstRows = (n: number) =>
      full.text
        .split('\r\n')
        .slice(0, n + 1)
        .join('\r\n') + '\r\n';
    const small = { text: firstRows(200) };
    const reference = await referenceImport(full.text, 'ref-b');
    const h = startHarvester();
    const file = join(root, 'harv-b.csv');
    writeFileSync(file, small.text);
    await eventually(
      () => count('harv-b'),
      (n) => n === 200,
      10_000,
    );
    // Replaced by a shorter file (new inode), as instruments that write a temp file and rename do.
    writeFileSync(`${file}.tmp`, firstRows(100));
    renameSync(`${file}.tmp`, file);
    await eventually(
      async () => h.stdout(),
      (out) => /harv-b\.csv: replaced/.test(out),
      10_000,
    );
    // Rewritten in place with the whole, longer run.
    writeFileSync(file, full.text);
    await eventually(
      () => count('harv-b'),
      (n) => n === 400,
      10_000,
    );
    expect(await stored('harv-b')).toEqual(reference);
    expect(h.stdout()).toMatch(/harv-b\.csv: (truncated|rewritten|replaced)/);
    expect(await stop(h)).toBe(0);
  });

  it('sends the last row of a file that ends without a newline once the file settles', async () => {
    const data = syntheticArbin(50, 1_780_000_000, '\n');
    const text = data.text.replace(/\n$/, '');
    const reference = await referenceImport(text, 'ref-c');
    expect(reference.length).toBe(50);
    const h = startHarvester();
    writeFileSync(join(root, 'harv-c.csv'), text);
    await eventually(
      () => count('harv-c'),
      (n) => n === 50,
      10_000,
    );
    expect(await stored('harv-c')).toEqual(reference);
    expect(h.stdout()).toMatch(/harv-c\.csv: settled/);
    expect(await stop(h)).toBe(0);
  });
});
