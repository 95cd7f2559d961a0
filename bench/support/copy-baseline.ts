import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface CopyBaselineShape {
  /** Distinct cells the rows are spread over (the load's cell count). */
  cells: number;
  /** Consecutive seqs of one cell before the next cell's turn (the rigs' batch size). */
  runLength: number;
}

/**
 * The ingest ceiling of this database: a plain text COPY of `rows` sample rows into a table made
 * `LIKE samples INCLUDING ALL` — the service's own columns, key and indexes — shaped like the load
 * (runs of `runLength` seqs per cell, round robin over `cells`). Nothing else happens: no lease or
 * duplicate check, no twin, no acknowledgement.
 */
export async function copyBaselineRowsPerSec(
  databaseUrl: string,
  rows: number,
  shape: CopyBaselineShape = { cells: 20, runLength: 200 },
): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy;
      CREATE TABLE bench_copy (LIKE samples INCLUDING ALL)`);
    const t0 = Date.UTC(2026, 0, 1);
    // Text made before the clock starts: the baseline times the database, not this formatting.
    const chunks: string[] = [];
    {
      const chunk: string[] = [];
      for (let i = 0; i < rows; i++) {
        const run = Math.floor(i / shape.runLength);
        const cell = run % shape.cells;
        const seq = Math.floor(run / shape.cells) * shape.runLength + (i % shape.runLength);
        const ts = new Date(t0 + seq * 10).toISOString();
        chunk.push(
          `c${cell}\t${seq}\t${ts}\t${(3.6 + 0.2 * Math.sin(seq / 300)).toFixed(6)}\t0.002\t\\N\t\\N\t\\N\n`,
        );
        if (chunk.length === 5000) chunks.push(chunk.splice(0).join(''));
      }
      if (chunk.length) chunks.push(chunk.join(''));
    }
    const started = performance.now();
    await pipeline(
      Readable.from(chunks),
      client.query(
        copyFrom(
          'COPY bench_copy (cell_id, seq, ts, voltage_v, current_a, temperature_c, cycle, step) FROM STDIN',
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE bench_copy');
    return rows / seconds;
  } finally {
    await client.end();
  }
}

/** The median of `runs` baselines: one COPY can land on a checkpoint and read half its usual rate. */
export async function medianCopyBaselineRowsPerSec(
  databaseUrl: string,
  rows: number,
  shape: CopyBaselineShape,
  runs = 3,
): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) rates.push(await copyBaselineRowsPerSec(databaseUrl, rows, shape));
  return rates.sort((a, b) => a - b)[Math.floor(runs / 2)];
}
