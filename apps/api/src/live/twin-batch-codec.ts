import type { EncodedTwin } from './encoded-twin';

/**
 * One turn's encoded `twin` states as one text message between instances. The packets are JSON,
 * which never holds a raw control character (JSON escapes them), and room names are cell, replay
 * or socket ids, so three control characters can frame the message with no escaping and no second
 * JSON pass: the receiving instance writes each packet out as it arrives.
 */
const ENTRY = '\u001e';
const ROOMS_END = '\u001d';
const ROOM = '\u001f';

export function encodeTwinBatch(batch: readonly EncodedTwin[]): string {
  return batch.map((t) => t.rooms.join(ROOM) + ROOMS_END + t.packet).join(ENTRY);
}

/** The states of a message made by encodeTwinBatch; an entry without rooms is skipped. */
export function decodeTwinBatch(message: string): EncodedTwin[] {
  const batch: EncodedTwin[] = [];
  for (const entry of message.split(ENTRY)) {
    const end = entry.indexOf(ROOMS_END);
    if (end <= 0) continue;
    batch.push({ rooms: entry.slice(0, end).split(ROOM), packet: entry.slice(end + 1) });
  }
  return batch;
}
