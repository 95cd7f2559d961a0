import { createWriteStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CyclerParseError, UnknownFormatError } from '@twin/cyclers';
import { ApiError, TwinApiClient } from './api/twin-api-client';
import { exportCell } from './export/export-cell';
import { compileMapping } from './harvest/harvest-mapping';
import { Harvester } from './harvest/harvester';
import { CYCLER_FORMATS, isFormatChoice } from './import/format-choice';
import { importFile } from './import/import-file';
import { MAX_BATCH_ROWS } from './import/record-sender';

const HELP = `twin: move cycler files into Operando Twin and samples back out (docs/formats.md)

  twin import <file> --cell <id> [--format auto|<format>] [--campaign <id>] [--batch <n>]
                     [--start <iso>] [--json] [--quiet]
  twin harvest <folder> --map <mapping.json> [--state <file>] [--poll-ms <n>] [--settle-ms <n>]
  twin export --cell <id> [--format bdf|csv] [--from <t>] [--to <t>] [--out <file>]

  common: --url <service> (or TWIN_URL, default http://localhost:3000), --token <t> (or TWIN_TOKEN)
  formats: ${CYCLER_FORMATS.join(', ')}
  exit codes: 0 done, 1 failed (message on stderr), 2 usage error`;

class UsageError extends Error {}

const COMMON: ParseArgsConfig['options'] = {
  url: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean' },
};

function parse(argv: string[], options: ParseArgsConfig['options']) {
  try {
    return parseArgs({
      args: argv,
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function str(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function required(values: Record<string, unknown>, name: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

function positiveInt(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  max = Infinity,
): number {
  const raw = str(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be an integer within 1–${max}`);
  return n;
}

function client(
  values: Record<string, unknown>,
  log: (m: string) => void,
  maxAttempts?: number,
): TwinApiClient {
  return new TwinApiClient({
    baseUrl: str(values, 'url') ?? process.env.TWIN_URL ?? 'http://localhost:3000',
    token: str(values, 'token') ?? process.env.TWIN_TOKEN ?? null,
    maxAttempts,
    onRetry: ({ path, reason, waitMs, attempt }) =>
      log(`${path}: ${reason}; retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s`),
  });
}

const stderrLine = (message: string) => process.stderr.write(`twin: ${message}\n`);

async function runImport(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    cell: { type: 'string' },
    format: { type: 'string' },
    campaign: { type: 'string' },
    json: { type: 'boolean' },
    batch: { type: 'string' },
    start: { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('import takes exactly one file');
  const cellId = required(values, 'cell');
  const format = str(values, 'format') ?? 'auto';
  if (!isFormatChoice(format))
    throw new UsageError(`--format must be auto or one of: ${CYCLER_FORMATS.join(', ')}`);
  const start = str(values, 'start');
  const fallbackStartTimeMs =
    start === undefined ? undefined : /^\d+$/.test(start) ? Number(start) : Date.parse(start);
  if (fallbackStartTimeMs !== undefined && !Number.isFinite(fallbackStartTimeMs)) {
    throw new UsageError('--start must be ISO-8601 or epoch ms');
  }
  const json = values.json === true;
  const api = client(values, stderrLine);
  const warnings: { message: string }[] = [];
  const campaign = str(values, 'campaign');
  if (campaign !== undefined && (await api.addCellToCampaign(campaign, cellId)) === 'not-found') {
    warnings.push({ message: `campaign ${campaign}: the campaigns API answered 404; cell not added` });
  }
  try {
    const summary = await importFile(api, {
      path: positionals[0],
      cellId,
      format,
      batchRows: positiveInt(values, 'batch', MAX_BATCH_ROWS, MAX_BATCH_ROWS),
      fallbackStartTimeMs,
      progress: values.quiet !== true,
    });
    summary.warnings.push(...warnings);
    if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else printSummary(positionals[0], summary);
    return 0;
  } catch (error) {
    if (!(error instanceof CyclerParseError || error instanceof UnknownFormatError)) throw error;
    if (json) {
      const location = error instanceof CyclerParseError ? error.location : {};
      process.stdout.write(`${JSON.stringify({ error: { message: error.message, ...location } })}\n`);
    }
    stderrLine(`${positionals[0]}: ${error.message}`);
    return 1;
  }
}

function printSummary(path: string, s: Awaited<ReturnType<typeof importFile>>): void {
  const lines = [
    `${path}: ${s.format}, ${s.rows} rows, ${s.spectra} spectra, ${s.firstTs ?? '–'} → ${s.lastTs ?? '–'}`,
    `stored: ${s.accepted} new, ${s.duplicates} already there, ${s.rejected} rejected`,
    `voltage ${s.voltageMinV ?? '–'}–${s.voltageMaxV ?? '–'} V; cycles: ${s.cycles
      .map((c) => `${c.index} (+${c.chargeAh.toPrecision(4)} / −${c.dischargeAh.toPrecision(4)} Ah)`)
      .join(', ')}`,
    ...s.warnings.map((w) => `warning${w.line !== undefined ? ` (line ${w.line})` : ''}: ${w.message}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runHarvest(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    map: { type: 'string' },
    state: { type: 'string' },
    'poll-ms': { type: 'string' },
    'settle-ms': { type: 'string' },
    batch: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('harvest takes exactly one folder');
  const root = resolve(positionals[0]);
  const mapPath = required(values, 'map');
  let rules;
  try {
    rules = compileMapping(JSON.parse(readFileSync(mapPath, 'utf8')));
  } catch (error) {
    throw new UsageError(`${mapPath}: ${(error as Error).message}`);
  }
  const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);
  const harvester = new Harvester({
    root,
    rules,
    client: client(values, log, Infinity),
    statePath: str(values, 'state') ?? resolve(root, '.twin-harvest-state.json'),
    pollMs: positiveInt(values, 'poll-ms', 300, 60_000),
    settleMs: positiveInt(values, 'settle-ms', 3000),
    batchRows: positiveInt(values, 'batch', MAX_BATCH_ROWS, MAX_BATCH_ROWS),
    log,
  });
  await harvester.start();
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await harvester.stop();
  return 0;
}

async function runExport(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    cell: { type: 'string' },
    format: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const format = str(values, 'format') ?? 'bdf';
  if (format !== 'bdf' && format !== 'csv') throw new UsageError('--format must be bdf or csv');
  const outPath = str(values, 'out');
  const out = outPath ? createWriteStream(outPath) : process.stdout;
  await exportCell(
    client(values, stderrLine),
    { cellId: required(values, 'cell'), format, from: str(values, 'from'), to: str(values, 'to') },
    out,
  );
  return 0;
}

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  import: runImport,
  harvest: runHarvest,
  export: runExport,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help' || rest.includes('--help')) {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}"`);
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      stderrLine(`${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    const known =
      error instanceof CyclerParseError || error instanceof UnknownFormatError || error instanceof ApiError;
    stderrLine(known ? (error as Error).message : ((error as Error).stack ?? String(error)));
    process.exit(1);
  },
);
