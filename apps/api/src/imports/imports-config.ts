/** Upload limit of POST /imports; `IMPORT_MAX_BYTES` overrides it (issue #6: default 512 MB). */
export interface ImportsConfig {
  maxUploadBytes: number;
}

export const IMPORTS_CONFIG = Symbol('IMPORTS_CONFIG');
const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** Read once when the module is built; a bad value stops the boot with the variable named. */
export function loadImportsConfig(env: NodeJS.ProcessEnv = process.env): ImportsConfig {
  const raw = env.IMPORT_MAX_BYTES;
  if (raw === undefined || raw === '') return { maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`invalid configuration:\n  - IMPORT_MAX_BYTES must be an integer ≥ 1 (got "${raw}")`);
  }
  return { maxUploadBytes: value };
}
