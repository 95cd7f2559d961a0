/** Rebuilds dist/ when any source file is newer than the last build. */
export function buildIfNeeded(): void;

/** Builds dist/ unconditionally (`npm run build`). */
export function build(): void;
