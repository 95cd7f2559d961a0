/**
 * Writes a tiny Neware `.nda` (version 130, BTS 9.1 records) from the layout in the fixtures
 * README and NewareNDA: "NEWARE" + date, version byte at 14, 56-byte 0x55 records from 1024,
 * then a 0x81 trailer.
 */
export interface SyntheticNdaRecord {
  step: number;
  status: number;
  index: number;
  testTimeS: number;
  currentMA: number;
  voltageV: number;
  unixS: number;
  temperatureC: number;
}

export function writeSyntheticNda(records: SyntheticNdaRecord[], version = 130): Uint8Array {
  const bytes = new Uint8Array(1024 + 56 * records.length + 16);
  bytes.set(new TextEncoder().encode('NEWARE20240101'), 0);
  bytes[14] = version;
  const dv = new DataView(bytes.buffer);
  records.forEach((r, i) => {
    const at = 1024 + 56 * i;
    bytes[at] = 0x55;
    bytes[at + 1] = 6;
    bytes[at + 2] = r.step;
    bytes[at + 3] = r.status;
    dv.setUint32(at + 8, r.index, true);
    dv.setUint32(at + 12, Math.floor(r.testTimeS), true);
    dv.setUint32(at + 16, Math.round((r.testTimeS % 1) * 1e9), true);
    dv.setFloat32(at + 20, r.currentMA, true);
    dv.setFloat32(at + 24, r.voltageV, true);
    dv.setUint32(at + 44, Math.floor(r.unixS), true);
    dv.setUint32(at + 48, Math.round((r.unixS % 1) * 1e9), true);
    dv.setFloat32(at + 52, r.temperatureC, true);
  });
  bytes[1024 + 56 * records.length] = 0x81;
  return bytes;
}
