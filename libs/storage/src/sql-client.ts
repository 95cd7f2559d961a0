/** The slice of a SQL connection the storage helpers need; a `pg` client or pool satisfies it. */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(
    text: string,
    params?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

export type DatabaseVariant = 'timescaledb' | 'postgresql';
