import type { CyclerFormat } from '../parser.types';
import { isAccessDatabase } from './access-magic';

const BIOLOGIC_MAGIC = 'BIO-LOGIC MODULAR FILE';
const NEWARE_MAGIC = 'NEWARE';
const ZIP_LOCAL_SIGNATURE = [0x50, 0x4b, 0x03, 0x04] as const;
const LOCAL_HEADER_BYTES = 30;

/**
 * Identifies a binary cycler file from its first bytes (a few KB is enough): BioLogic `.mpr` and
 * Neware `.nda` by their magic, zips by the entry names found in the local headers of `head`
 * (`.ndc`/`Step.xml`/`TestInfo.xml` → Neware ndax; `xl/…`, or `[Content_Types].xml` without
 * `word/`/`ppt/` entries → Excel, the only spreadsheet format here being Arbin's). An MS Access
 * (Jet/ACE) database can only be an Arbin `.res` among the formats here; whether it holds Arbin's
 * tables is checked by the parser, which needs the whole file.
 */
export function detectBinaryFormat(head: Uint8Array): CyclerFormat | null {
  if (startsWithAscii(head, BIOLOGIC_MAGIC)) return 'biologic-mpr';
  if (startsWithAscii(head, NEWARE_MAGIC)) return 'neware-nda';
  if (isAccessDatabase(head)) return 'arbin-res';
  if (!ZIP_LOCAL_SIGNATURE.every((b, i) => head[i] === b)) return null;
  const names = zipEntryNames(head);
  if (names.some((n) => n.endsWith('.ndc') || n === 'Step.xml' || n === 'TestInfo.xml')) return 'neware-ndax';
  if (names.some((n) => n.startsWith('xl/'))) return 'arbin-xlsx';
  // Word and PowerPoint packages share [Content_Types].xml; only a spreadsheet is ours.
  const otherOffice = names.some((n) => n.startsWith('word/') || n.startsWith('ppt/'));
  if (names.includes('[Content_Types].xml') && !otherOffice) return 'arbin-xlsx';
  return null;
}

function startsWithAscii(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Names of every local file header found in `head` (APPNOTE.TXT 4.3.7: name length at +26, name
 * at +30). Signatures are searched for rather than skipped to, since entries written with a data
 * descriptor carry no compressed size in the local header.
 */
function zipEntryNames(head: Uint8Array): string[] {
  const names: string[] = [];
  for (let i = 0; i + LOCAL_HEADER_BYTES <= head.length; i++) {
    if (head[i] !== 0x50 || head[i + 1] !== 0x4b || head[i + 2] !== 0x03 || head[i + 3] !== 0x04) continue;
    const nameBytes = head[i + 26]! | (head[i + 27]! << 8);
    const end = i + LOCAL_HEADER_BYTES + nameBytes;
    if (end > head.length) break;
    names.push(Buffer.from(head.subarray(i + LOCAL_HEADER_BYTES, end)).toString('utf8'));
    i = end - 1;
  }
  return names;
}
