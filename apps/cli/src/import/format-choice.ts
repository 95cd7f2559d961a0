import {
  DETECT_HEAD_BYTES,
  detectFormat,
  isCyclerFormat,
  UnknownFormatError,
  type CyclerFormat,
} from '@twin/cyclers';

export { CYCLER_FORMATS } from '@twin/cyclers';
export type FormatChoice = CyclerFormat | 'auto';

export function isFormatChoice(value: string): value is FormatChoice {
  return value === 'auto' || isCyclerFormat(value);
}

/**
 * The concrete format to parse with. Detection runs here rather than inside `createParser('auto')`
 * because that one waits for 8 KB of head: a freshly started instrument file may stay smaller than
 * that for minutes, and the harvester must not hold its rows back meanwhile. Returns null while a
 * growing file's head is still too short to tell; a complete file that cannot be recognised throws.
 */
export function chooseFormat(
  requested: FormatChoice,
  head: Uint8Array,
  fileName: string,
  headIsComplete: boolean,
): CyclerFormat | null {
  if (requested !== 'auto') return requested;
  try {
    return detectFormat(head, fileName);
  } catch (error) {
    const mayGrow = !headIsComplete && head.length < DETECT_HEAD_BYTES;
    if (mayGrow && error instanceof UnknownFormatError) return null;
    throw error;
  }
}
