import { strToU8, zipSync } from 'fflate';

/**
 * Writes a tiny Neware `.ndax` (zip) with `TestInfo.xml` and a version-5 `data.ndc`, laid out as
 * the fixtures README and NewareNDA `_read_ndc_5` describe: 4096-byte file header (byte 2 =
 * version), 4096-byte pages of a 125-byte header, 45 × 87-byte records and 56 spare bytes.
 */
export interface SyntheticNdcRecord {
  index: number;
  step: number;
  status: number;
  stepTimeMs: number;
  /** Stored as an int32 in 0.1 mV. */
  voltageV: number;
  /** Raw current count; the mA value is count × the range's scale. */
  currentCount: number;
  /** Current range code (1 → 1e-4 mA per count, 1000 → 0.1 mA per count). */
  range: number;
  /** Local wall-clock time [Y, M, D, h, m, s]. */
  date: [number, number, number, number, number, number];
}

export function writeSyntheticNdc(records: SyntheticNdcRecord[], version = 5): Uint8Array {
  const pages = Math.max(1, Math.ceil(records.length / 45));
  const bytes = new Uint8Array(4096 + 4096 * pages);
  bytes[0] = 1;
  bytes[2] = version;
  const dv = new DataView(bytes.buffer);
  records.forEach((r, i) => {
    const at = 4096 + 4096 * Math.floor(i / 45) + 125 + 87 * (i % 45);
    bytes[at + 7] = 0x55;
    dv.setUint32(at + 8, r.index, true);
    bytes[at + 16] = r.step;
    bytes[at + 17] = r.status;
    dv.setBigUint64(at + 23, BigInt(r.stepTimeMs), true);
    dv.setInt32(at + 31, Math.round(r.voltageV * 1e4), true);
    dv.setInt32(at + 35, r.currentCount, true);
    const [y, mo, d, h, mi, s] = r.date;
    dv.setUint16(at + 75, y, true);
    bytes.set([mo, d, h, mi, s], at + 77);
    dv.setInt32(at + 82, r.range, true);
  });
  return bytes;
}

export function writeSyntheticNdax(entries: {
  testInfoStart?: string;
  ndc?: Uint8Array;
  extra?: Record<string, Uint8Array>;
}): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  files['Step.xml'] = strToU8('<?xml version="1.0" encoding="GB2312"?><root/>');
  if (entries.testInfoStart !== undefined) {
    files['TestInfo.xml'] = strToU8(
      `<?xml version="1.0" encoding="GB2312"?><root><config><TestInfo DevID="1" ChlID="2" StartTime="${entries.testInfoStart}" /></config></root>`,
    );
  }
  if (entries.ndc) files['data.ndc'] = entries.ndc;
  Object.assign(files, entries.extra ?? {});
  return zipSync(files, { level: 6 });
}
