import { Inflate } from 'fflate';
import { CyclerParseError } from '../parser.types';
import { view } from './byte-queue';

/*
 * Minimal zip reading from the central directory (PKWARE APPNOTE.TXT 4.3.12 central file header,
 * 4.3.16 end of central directory). Used for .xlsx, whose entry order puts sharedStrings.xml after
 * the sheets, so the directory is needed before any sheet can be mapped.
 */
const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const INFLATE_SLICE_BYTES = 64 * 1024;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export function readZipDirectory(zip: Uint8Array): Map<string, ZipEntry> {
  const v = view(zip);
  let eocd = -1;
  const lowest = Math.max(0, zip.length - EOCD_MIN_BYTES - MAX_COMMENT_BYTES);
  for (let i = zip.length - EOCD_MIN_BYTES; i >= lowest; i--) {
    if (v.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new CyclerParseError('zip end-of-central-directory record not found (truncated file?)', {
      byteOffset: zip.length,
    });
  const count = v.getUint16(eocd + 10, true);
  const directoryOffset = v.getUint32(eocd + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    throw new CyclerParseError('ZIP64 archives are not supported', { byteOffset: eocd });
  }
  const entries = new Map<string, ZipEntry>();
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || v.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new CyclerParseError(`bad zip central directory entry ${i + 1}`, { byteOffset: at });
    }
    const nameBytes = v.getUint16(at + 28, true);
    const extraBytes = v.getUint16(at + 30, true);
    const commentBytes = v.getUint16(at + 32, true);
    const name = Buffer.from(zip.subarray(at + 46, at + 46 + nameBytes)).toString('utf8');
    entries.set(name, {
      name,
      method: v.getUint16(at + 10, true),
      compressedSize: v.getUint32(at + 20, true),
      uncompressedSize: v.getUint32(at + 24, true),
      localHeaderOffset: v.getUint32(at + 42, true),
    });
    at += 46 + nameBytes + extraBytes + commentBytes;
  }
  return entries;
}

/** Decompresses one entry in slices, handing each decompressed chunk on as it is produced. */
export function inflateEntry(zip: Uint8Array, entry: ZipEntry, onChunk: (chunk: Uint8Array) => void): void {
  const v = view(zip);
  const local = entry.localHeaderOffset;
  if (local + 30 > zip.length || v.getUint32(local, true) !== LOCAL_SIGNATURE) {
    throw new CyclerParseError(`bad local header for ${entry.name}`, { byteOffset: local });
  }
  const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
  const end = start + entry.compressedSize;
  if (end > zip.length) throw new CyclerParseError(`${entry.name} is truncated`, { byteOffset: zip.length });
  if (entry.method === 0) {
    for (let at = start; at < end; at += INFLATE_SLICE_BYTES)
      onChunk(zip.subarray(at, Math.min(end, at + INFLATE_SLICE_BYTES)));
    return;
  }
  if (entry.method !== 8) {
    throw new CyclerParseError(`${entry.name}: zip compression method ${entry.method} is not supported`, {
      byteOffset: local + 8,
    });
  }
  const inflate = new Inflate((chunk) => onChunk(chunk));
  try {
    for (let at = start; at < end; at += INFLATE_SLICE_BYTES) {
      const sliceEnd = Math.min(end, at + INFLATE_SLICE_BYTES);
      inflate.push(zip.subarray(at, sliceEnd), sliceEnd === end);
    }
  } catch (err) {
    if (err instanceof CyclerParseError) throw err;
    throw new CyclerParseError(`${entry.name}: ${(err as Error).message}`, { byteOffset: start });
  }
}
