/**
 * Writes small EC-Lab-style `.mpr` files for tests, from the layout described in the fixtures
 * README (file magic padded to 0x34; MODULE + 10-byte short name + 25-byte long name; pre-11.50
 * header = length, version, date; 11.50 header = FF FF FF FF, length, 0, version, date).
 */
export type SyntheticDtype = 'u1' | 'u2' | 'u4' | 'f4' | 'f8';

export interface SyntheticMprColumn {
  id: number;
  /** Byte type of the value; flag ids share one 'u1' byte written once, at the first flag id. */
  dtype: SyntheticDtype;
}

export interface SyntheticMprOptions {
  layout: 'v3' | '11.50';
  columns: SyntheticMprColumn[];
  /** One value per non-flag column plus one value for the (single) flags byte, in column order. */
  rows: number[][];
  /** OLE date (days since 1899-12-30) of the acquisition start; omit to leave out the LOG module. */
  logStartOleDays?: number;
  /** Puts the LOG module before the data module (EC-Lab writes it after). */
  logFirst?: boolean;
  /** Declared point count when it should differ from rows.length (truncation tests). */
  declaredPoints?: number;
}

const FLAG_IDS = new Set([1, 2, 3, 21, 31, 65]);
const SIZE: Record<SyntheticDtype, number> = { u1: 1, u2: 2, u4: 4, f4: 4, f8: 8 };

function ascii(text: string, width: number): number[] {
  const out = new Array<number>(width).fill(0x20);
  for (let i = 0; i < text.length && i < width; i++) out[i] = text.charCodeAt(i);
  return out;
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function moduleBytes(
  short: string,
  long: string,
  version: number,
  layout: 'v3' | '11.50',
  body: Uint8Array,
): number[] {
  const head = [...ascii('MODULE', 6), ...ascii(short, 10), ...ascii(long, 25)];
  const rest =
    layout === '11.50'
      ? [...u32(0xffffffff), ...u32(body.length), ...u32(0), ...u32(version), ...ascii('01/02/24', 8)]
      : [...u32(body.length), ...u32(version), ...ascii('01/02/24', 8)];
  return [...head, ...rest, ...body];
}

export function writeSyntheticMpr(o: SyntheticMprOptions): Uint8Array {
  const dataColumns = o.columns.filter(
    (c, i) => !FLAG_IDS.has(c.id) || o.columns.findIndex((d) => FLAG_IDS.has(d.id)) === i,
  );
  const recordBytes = dataColumns.reduce((n, c) => n + SIZE[FLAG_IDS.has(c.id) ? 'u1' : c.dtype], 0);
  const dataStart = o.layout === '11.50' ? 0x3ef : 0x196;
  const body = new Uint8Array(dataStart + recordBytes * o.rows.length);
  const dv = new DataView(body.buffer);
  dv.setUint32(0, o.declaredPoints ?? o.rows.length, true);
  let at: number;
  if (o.layout === '11.50') {
    dv.setUint16(4, o.columns.length, true);
    at = 6;
  } else {
    dv.setUint8(4, o.columns.length);
    at = 5;
  }
  for (const c of o.columns) {
    dv.setUint16(at, c.id, true);
    at += 2;
  }
  at = dataStart;
  for (const row of o.rows) {
    dataColumns.forEach((c, i) => {
      const dtype = FLAG_IDS.has(c.id) ? 'u1' : c.dtype;
      const value = row[i]!;
      if (dtype === 'u1') dv.setUint8(at, value);
      else if (dtype === 'u2') dv.setUint16(at, value, true);
      else if (dtype === 'u4') dv.setUint32(at, value, true);
      else if (dtype === 'f4') dv.setFloat32(at, value, true);
      else dv.setFloat64(at, value, true);
      at += SIZE[dtype];
    });
  }
  const settings = new Uint8Array(64);
  const logModule: number[] = [];
  if (o.logStartOleDays !== undefined) {
    const log = new Uint8Array(0x3b7 + 6);
    new DataView(log.buffer).setFloat64(0x249, o.logStartOleDays, true);
    log.set([5, ...'11.50'.split('').map((c) => c.charCodeAt(0))], 0x3b7);
    logModule.push(...moduleBytes('VMP LOG', 'VMP LOG', 0, o.layout, log));
  }
  const dataModule = moduleBytes('VMP data', 'VMP data', o.layout === '11.50' ? 11 : 3, o.layout, body);
  const bytes = [
    ...ascii('BIO-LOGIC MODULAR FILE\x1a', 48),
    0,
    0,
    0,
    0,
    ...moduleBytes('VMP Set', 'VMP settings', 0, o.layout, settings),
    ...(o.logFirst ? [...logModule, ...dataModule] : [...dataModule, ...logModule]),
  ];
  return Uint8Array.from(bytes);
}
