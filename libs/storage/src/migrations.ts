import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseVariant, SqlClient } from './sql-client';

/**
 * A numbered plain-SQL migration: `NNN-verb-noun.sql` runs on both variants,
 * `NNN-verb-noun.timescaledb.sql` / `.postgresql.sql` only on one. A first line
 * `-- migrate:no-transaction` marks statements PostgreSQL refuses inside a transaction
 * (TimescaleDB continuous aggregates); such files must be idempotent on their own.
 */
export interface Migration {
  version: number;
  name: string;
  variant: DatabaseVariant | 'any';
  transactional: boolean;
  sql: string;
}

const FILE_PATTERN = /^(\d{3})-([a-z0-9-]+?)(?:\.(timescaledb|postgresql))?\.sql$/;

export function loadMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((f): f is { file: string; match: RegExpExecArray } => f.match !== null)
    .map(({ file, match }): Migration => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(match[1]),
        name: file,
        variant: (match[3] as DatabaseVariant | undefined) ?? 'any',
        transactional: !sql.startsWith('-- migrate:no-transaction'),
        sql,
      };
    });
  return migrations.sort((a, b) => a.version - b.version || a.name.localeCompare(b.name));
}

/** Lock id for migrations, so instances starting together do not race (pg_advisory_lock is per database). */
const MIGRATION_LOCK_ID = 7_430_911;

/**
 * Applies the migrations that match the variant and are not yet recorded, in order, each in its
 * own transaction. `client` must be one dedicated connection (advisory and transaction state).
 */
export async function applyMigrations(
  client: SqlClient,
  variant: DatabaseVariant,
  migrations: readonly Migration[],
): Promise<string[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name text PRIMARY KEY,
         version integer NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
    const done = new Set(rows.map((r) => r.name));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name) || (m.variant !== 'any' && m.variant !== variant)) continue;
      if (m.transactional) {
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (name, version) VALUES ($1, $2)', [
            m.name,
            m.version,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
        }
      } else {
        try {
          await client.query(m.sql);
        } catch (error) {
          throw new Error(`migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
        }
        await client.query('INSERT INTO schema_migrations (name, version) VALUES ($1, $2)', [
          m.name,
          m.version,
        ]);
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
}

/**
 * TimescaleDB when the extension is installed or installable; plain PostgreSQL otherwise
 * (../shared/docs/database.md: the rest of the code cannot tell them apart).
 */
export async function detectVariant(client: SqlClient): Promise<DatabaseVariant> {
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'timescaledb'",
  );
  if (rows[0].n === 0) return 'postgresql';
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    return 'timescaledb';
  } catch {
    return 'postgresql';
  }
}
