import type { CyclerFormat } from '@twin/cyclers';

const FORMATS: Record<CyclerFormat, true> = {
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

export function isUploadFormat(value: string): value is CyclerFormat | 'auto' {
  return value === 'auto' || Object.hasOwn(FORMATS, value);
}
