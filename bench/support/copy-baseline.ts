import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Plain COPY of `rows` sample-shaped rows into an unindexed-but-keyed table: the ingest ceiling of this database. */
export async function copyBaselineRowsPerSec(databaseUrl: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy;
      CREATE TABLE bench_copy (cell_id text NOT NULL, seq bigint NOT NULL, ts timestamptz NOT NULL,
        voltage_v double precision NOT NULL, current_a double precision NOT NULL, temperature_c double precision,
        cycle integer, step integer, PRIMARY KEY (cell_id, seq))`);
    const t0 = Date.UTC(2026, 0, 1);
    function* lines() {
      const chunk: string[] = [];
      for (let i = 0; i < rows; i++) {
        const ts = new Date(t0 + i * 100).toISOString();
        chunk.push(`c${i % 20}\t${i}\t${ts}\t${(3.5 + (i % 100) / 1000).toFixed(4)}\t0.001\t25\t1\t1\n`);
        if (chunk.length === 5000) yield chunk.splice(0).join('');
      }
      if (chunk.length) yield chunk.join('');
    }
    const started = performance.now();
    await pipeline(Readable.from(lines()), client.query(copyFrom('COPY bench_copy FROM STDIN')));
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE bench_copy');
    return rows / seconds;
  } finally {
    await client.end();
  }
}
