import {
  privatePostgresAvailable,
  startPrivatePostgres,
  type PostgresSettings,
  type PrivatePostgres,
} from '../../test/support/private-postgres';

const SHARED_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * The server sizing `docs/deploy.md` › PostgreSQL asks for at 100k+ samples/s, scaled to this
 * 24 GiB machine that also runs the service, rigs and browsers. Durability stays as in production:
 * fsync and synchronous_commit on, so an acknowledged sample is on disk.
 */
export const PRODUCTION_SETTINGS: PostgresSettings = {
  fsync: 'on',
  synchronous_commit: 'on',
  full_page_writes: 'on',
  shared_buffers: '2GB',
  wal_buffers: '64MB',
  // ≈ 0.3 GB of WAL per million samples: a 10 s phase at 200k samples/s writes ~0.6 GB, so the
  // stock 1 GB asked for a checkpoint in almost every phase.
  max_wal_size: '16GB',
  wal_init_zero: 'off',
  checkpoint_timeout: '15min',
  max_connections: 100,
};

/** PRODUCTION_SETTINGS, with BENCH_PG_SETTINGS (JSON) over them to compare one in the same conditions. */
function serverSettings(): PostgresSettings {
  return {
    ...PRODUCTION_SETTINGS,
    ...(JSON.parse(process.env.BENCH_PG_SETTINGS ?? '{}') as PostgresSettings),
  };
}

let privateServer: PrivatePostgres | null = null;

/**
 * The admin URL a bench creates its databases on. BENCH_DATABASE_URL or TEST_DATABASE_URL name a
 * server; otherwise `production` starts a private server with PRODUCTION_SETTINGS (one per bench
 * process, removed at exit) where this machine has the PostgreSQL 15 binaries, and `shared` uses the
 * machine's server on 5432 with whatever settings it has.
 */
export async function benchPostgresUrl(kind: 'production' | 'shared'): Promise<string> {
  const named = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (named) return named;
  if (kind === 'shared' || process.env.BENCH_POSTGRES === 'shared' || !privatePostgresAvailable)
    return SHARED_SERVER_URL;
  if (!privateServer) {
    privateServer = await startPrivatePostgres(serverSettings());
    const server = privateServer;
    process.once('exit', () => server.destroy());
    // An interrupted bench still removes its server ('exit' does not run on a signal by default).
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  }
  return privateServer.url;
}

/** Which server the numbers came from, for the bench's report. */
export function benchPostgresDescription(url: string): string {
  if (privateServer?.url === url)
    return `private PostgreSQL 15 with ${Object.entries(serverSettings())
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`;
  return `PostgreSQL at ${new URL(url).host} with its own settings`;
}
