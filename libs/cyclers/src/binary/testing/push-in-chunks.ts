import type { IncrementalParser, ParsedRecord } from '@twin/cyclers';

/** Feeds `bytes` to a fresh parser in pieces of `chunkBytes` (the last may be shorter), then ends it. */
export function parseInChunks(
  parser: IncrementalParser,
  bytes: Uint8Array,
  chunkBytes = bytes.length,
): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) {
    out.push(...parser.push(bytes.slice(at, Math.min(bytes.length, at + chunkBytes))));
  }
  out.push(...parser.end());
  return out;
}

export function samplesOf(records: readonly ParsedRecord[]) {
  return records.flatMap((r) => (r.kind === 'sample' ? [r.sample] : []));
}
