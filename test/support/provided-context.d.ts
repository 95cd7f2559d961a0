import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the real PostgreSQL server, or null when none answers (tests then use embedded PGlite). */
    pgAdminUrl: string | null;
    /** `pg` URL of the PGlite TimescaleDB build served over a unix socket (one connection at a time). */
    timescaleUrl: string;
  }
}
