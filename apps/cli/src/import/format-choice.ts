import { DETECT_HEAD_BYTES, detectFormat, UnknownFormatError, type CyclerFormat } from '@twin/cyclers';

const FORMAT_SET: Record<CyclerFormat, true> = {
  'biologic-mpt': true,
  'biologic-mpr': true,
  'arbin-csv': true,
  'arbin-xlsx': true,
  'maccor-txt': true,
  'neware-csv': true,
  'neware-ndax': true,
  'neware-nda': true,
  'gamry-dta': true,
  'bdf-csv': true,
  'battery-archive-csv': true,
  'basytec-txt': true,
  'novonix-csv': true,
};

export const CYCLER_FORMATS = Object.keys(FORMAT_SET) as CyclerFormat[];
export type FormatChoice = CyclerFormat | 'auto';

export function isFormatChoice(value: string): value is FormatChoice {
  return value === 'auto' || Object.hasOwn(FORMAT_SET, value);
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
