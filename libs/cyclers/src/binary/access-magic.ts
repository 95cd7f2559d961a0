/**
 * MS Access database signature: page 0 starts with 00 01 00 00 then the 16-byte format id
 * "Standard Jet DB\0" (Jet 3/4, .mdb) or "Standard ACE DB\0" (ACE 12+, .accdb). Source: mdbtools
 * HACKING / "The unofficial MDB Guide" (jabakobob.net/mdb), database definition page.
 */
const PAGE_ZERO_PREFIX = [0x00, 0x01, 0x00, 0x00] as const;
const FORMAT_IDS = ['Standard Jet DB\0', 'Standard ACE DB\0'] as const;
const FORMAT_ID_OFFSET = 4;

/** True when `head` begins like an Access (Jet or ACE) database file. */
export function isAccessDatabase(head: Uint8Array): boolean {
  if (head.length < FORMAT_ID_OFFSET + FORMAT_IDS[0].length) return false;
  if (!PAGE_ZERO_PREFIX.every((b, i) => head[i] === b)) return false;
  return FORMAT_IDS.some((id) => {
    for (let i = 0; i < id.length; i++) if (head[FORMAT_ID_OFFSET + i] !== id.charCodeAt(i)) return false;
    return true;
  });
}
