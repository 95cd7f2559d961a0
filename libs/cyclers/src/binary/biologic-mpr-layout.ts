import { CyclerParseError } from '../parser.types';
import { MPR_DATA_COLUMNS, MPR_DTYPE_BYTES, MPR_FLAG_COLUMNS, type MprDtype } from './biologic-mpr-columns';

/** One decoded field of a packed `.mpr` record. */
export interface MprField {
  name: string;
  dtype: MprDtype;
  byteOffset: number;
  /** Set for flag fields: they share one byte and are read through a mask. */
  mask?: number;
}

export interface MprLayout {
  fields: MprField[];
  recordBytes: number;
}

/**
 * Builds the record layout from the column-ID list. Unknown IDs are fatal: the record width would
 * be unknown, so every later value would be misread.
 */
export function mprLayout(columnIds: readonly number[], idsByteOffset: number): MprLayout {
  const fields: MprField[] = [];
  let cursor = 0;
  let flagByteOffset: number | null = null;
  columnIds.forEach((id, i) => {
    const flag = MPR_FLAG_COLUMNS[id];
    if (flag) {
      if (flagByteOffset === null) {
        flagByteOffset = cursor;
        cursor += 1;
      }
      fields.push({ name: flag.name, dtype: 'u1', byteOffset: flagByteOffset, mask: flag.mask });
      return;
    }
    const column = MPR_DATA_COLUMNS[id];
    if (!column) {
      throw new CyclerParseError(`unknown .mpr column id ${id} (column ${i + 1} of ${columnIds.length})`, {
        byteOffset: idsByteOffset + 2 * i,
      });
    }
    fields.push({ name: column.name, dtype: column.dtype, byteOffset: cursor });
    cursor += MPR_DTYPE_BYTES[column.dtype];
  });
  return { fields, recordBytes: cursor };
}

export function readMprRecord(layout: MprLayout, record: DataView): Map<string, number> {
  const values = new Map<string, number>();
  for (const field of layout.fields) {
    const at = field.byteOffset;
    let value: number;
    switch (field.dtype) {
      case 'u1':
        value = record.getUint8(at);
        break;
      case 'u2':
        value = record.getUint16(at, true);
        break;
      case 'u4':
        value = record.getUint32(at, true);
        break;
      case 'f4':
        value = record.getFloat32(at, true);
        break;
      case 'f8':
        value = record.getFloat64(at, true);
        break;
    }
    if (field.mask !== undefined) {
      // The lowest set bit of the mask gives the shift (mode occupies two bits).
      const shift = Math.log2(field.mask & -field.mask);
      value = (value & field.mask) >> shift;
    }
    if (!values.has(field.name)) values.set(field.name, value);
  }
  return values;
}
