import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  acceptsCopyFromStdin,
  applyMigrations,
  detectVariant,
  loadMigrations,
  type DatabaseVariant,
} from '@twin/storage';
import pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { findMigrationsDir } from './find-migrations-dir';

// bigint columns (seq) stay below 2^53 by contract, so numbers are exact and cheaper than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Owns the pool, the embedded server when there is no DATABASE_URL, and the schema at start-up. */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger('database');
  private embedded: EmbeddedPostgres | null = null;
  pool!: pg.Pool;
  /**
   * The ingest writers' own connections (INGEST_WRITERS of them) on a PostgreSQL/TimescaleDB
   * server: an acknowledgement never queues for a connection behind background statements (alert
   * state and checkpoint saves come in bursts when many cells reach their cadence together). On
   * PGlite, which serves one connection at a time, it is the shared pool.
   */
  writerPool!: pg.Pool;
  variant: DatabaseVariant = 'postgresql';
  /** The server takes `COPY … FROM STDIN` (a real PostgreSQL/TimescaleDB server; not PGlite). */
  copyIn = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async connect(): Promise<void> {
    if (this.config.databaseUrl) {
      this.pool = new pg.Pool({ connectionString: this.config.databaseUrl, max: this.config.poolSize });
    } else {
      this.embedded = await startEmbeddedPostgres(this.config.dataDir, this.config.poolSize + 2);
      this.pool = new pg.Pool({ ...this.embedded.connection, max: this.config.poolSize });
      this.logger.log(`embedded PostgreSQL (PGlite) in ${this.config.dataDir}`);
    }
    // A dropped idle connection must not crash the service; the pool replaces it.
    this.pool.on('error', (err) => this.logger.warn(`idle connection error: ${err.message}`));
    const client = await this.pool.connect();
    try {
      this.variant = await detectVariant(client);
      const { rows } = await client.query<{ v: string }>('SELECT version() AS v');
      this.copyIn = this.embedded === null && acceptsCopyFromStdin(rows[0].v);
      const applied = await applyMigrations(client, this.variant, loadMigrations(findMigrationsDir()));
      if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    } finally {
      client.release();
    }
    this.writerPool = this.pool;
    if (this.copyIn && this.config.databaseUrl) {
      this.writerPool = new pg.Pool({
        connectionString: this.config.databaseUrl,
        max: this.config.ingestWriters,
      });
      this.writerPool.on('error', (err) => this.logger.warn(`idle writer connection error: ${err.message}`));
    }
    this.logger.log(
      `schema ready on ${this.variant}; ingest writes by ${this.copyIn ? 'binary COPY' : 'INSERT … unnest'}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.writerPool && this.writerPool !== this.pool) await this.writerPool.end();
    await this.pool?.end();
    await this.embedded?.stop();
  }
}
