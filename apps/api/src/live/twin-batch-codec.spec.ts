import { describe, expect, it } from 'vitest';
import { decodeTwinBatch, encodeTwinBatch } from './twin-batch-codec';

describe('twin batch codec', () => {
  it('carries each state with its rooms, whatever JSON the packet holds', () => {
    const batch = [
      { rooms: ['cell:A-1'], packet: '2/live,["twin",{"cellId":"A-1","note":"quote \\" and \\u001e"}]' },
      { rooms: ['cell:B.2', 'replay:7f3c'], packet: '2/live,["twin",{"regime":"électrostatique","v":3.7}]' },
      { rooms: ['cell:C_3'], packet: '2/live,["twin",{}]' },
    ];
    const message = encodeTwinBatch(batch);
    expect(decodeTwinBatch(message)).toEqual(batch);
    // Nothing is escaped or re-encoded: the message is the packets and the rooms, plus separators.
    expect(message.length).toBe(
      batch.reduce((n, t) => n + t.packet.length + t.rooms.join(' ').length + 1, 0) + batch.length - 1,
    );
  });

  it('skips an entry that names no room and reads an empty message as no states', () => {
    expect(decodeTwinBatch('')).toEqual([]);
    const good = { rooms: ['cell:A'], packet: '2/live,["twin",{}]' };
    expect(decodeTwinBatch(`\u001d2/live,["twin",{}]\u001e${encodeTwinBatch([good])}`)).toEqual([good]);
  });
});
