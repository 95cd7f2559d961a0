import type { CyclerFormat } from './parser.types';

/** Every supported format once; a Record so adding a format to the union without listing it fails to compile. */
const FORMAT_SET: Record<CyclerFormat, true> = {
  'biologic-mpt': true,
  'biologic-mpr': true,
  'arbin-csv': true,
  'arbin-xlsx': true,
  'arbin-res': true,
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

export function isCyclerFormat(value: string): value is CyclerFormat {
  return Object.hasOwn(FORMAT_SET, value);
}
