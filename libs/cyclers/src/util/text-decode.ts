/**
 * Per-line text decoding. Cycler exports are either UTF-8 (with or without BOM) or single-byte
 * Windows text (EC-Lab, Gamry: `µ` = 0xB5), which is never valid UTF-8 when it has non-ASCII bytes.
 * Trying strict UTF-8 first and falling back to windows-1252 reads both without configuration.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const cp1252 = new TextDecoder('windows-1252');

export function decodeLine(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return cp1252.decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return cp1252.decode(bytes);
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
