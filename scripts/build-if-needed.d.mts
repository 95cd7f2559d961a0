/** Rebuilds dist/ when any source file is newer than the last build. */
export function buildIfNeeded(): void;
