import { readFileSync } from 'node:fs';

/** A /proc or /sys file's text, or null where it is not there to read (not Linux, no permission). */
export function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
