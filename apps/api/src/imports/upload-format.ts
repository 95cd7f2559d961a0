import { isCyclerFormat, type CyclerFormat } from '@twin/cyclers';

export function isUploadFormat(value: string): value is CyclerFormat | 'auto' {
  return value === 'auto' || isCyclerFormat(value);
}
