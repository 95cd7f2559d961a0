import { describe, expect, it } from 'vitest';
import { busTopics, cellIdFromTopic, parseBusMessage } from './bus.schema';

const sample = { seq: 0, ts: '2026-01-01T00:00:00Z', voltageV: 3.7, currentA: 0.001 };
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('parseBusMessage', () => {
  it('takes the token and the raw samples from UTF-8 JSON bytes (samples are validated later)', () => {
    const parsed = parseBusMessage(bytes({ token: 'ot_rig_abcdefgh', samples: [sample, { seq: 'x' }] }));
    expect(parsed).toEqual({
      ok: true,
      message: { token: 'ot_rig_abcdefgh', samples: [sample, { seq: 'x' }] },
    });
  });

  it('names the payload when it is not JSON or not an object', () => {
    expect(parseBusMessage(bytes('{"token": '))).toEqual({
      ok: false,
      problems: [{ field: 'payload', reason: 'not valid UTF-8 JSON' }],
    });
    expect(parseBusMessage(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      problems: [{ field: 'payload', reason: 'not valid UTF-8 JSON' }],
    });
    expect(parseBusMessage(bytes([1, 2]))).toEqual({
      ok: false,
      problems: [{ field: 'payload', reason: 'must be a JSON object {token, samples}' }],
    });
  });

  it('names a missing or mistyped token and samples field', () => {
    expect(parseBusMessage(bytes({ samples: [] }))).toEqual({
      ok: false,
      problems: [{ field: 'token', reason: 'required' }],
    });
    expect(parseBusMessage(bytes({ token: 7, samples: {} }))).toEqual({
      ok: false,
      problems: [
        { field: 'token', reason: 'must be a string' },
        { field: 'samples', reason: 'must be an array' },
      ],
    });
  });

  it('refuses more samples than one HTTP request may carry', () => {
    const parsed = parseBusMessage(
      bytes({ token: 'ot_rig_abcdefgh', samples: new Array(10_001).fill(sample) }),
    );
    expect(parsed).toEqual({
      ok: false,
      problems: [{ field: 'samples', reason: 'at most 10000 samples per message' }],
    });
  });
});

describe('bus topics', () => {
  it('lays out the same topics on MQTT and NATS with their own separators and wildcards', () => {
    const mqtt = busTopics('mqtt', 'twin');
    const nats = busTopics('nats', 'twin');
    expect([mqtt.samples('c-1'), mqtt.acks('c-1'), mqtt.allSamples]).toEqual([
      'twin/cells/c-1/samples',
      'twin/cells/c-1/acks',
      'twin/cells/+/samples',
    ]);
    expect([nats.samples('c-1'), nats.acks('c-1'), nats.allSamples]).toEqual([
      'twin.cells.c-1.samples',
      'twin.cells.c-1.acks',
      'twin.cells.*.samples',
    ]);
  });

  it('reads the cell id back from a samples topic and names what is wrong otherwise', () => {
    expect(cellIdFromTopic('mqtt', 'twin', 'twin/cells/c.1_a/samples')).toEqual({
      ok: true,
      cellId: 'c.1_a',
    });
    expect(cellIdFromTopic('nats', 'twin', 'twin.cells.c-1.samples')).toEqual({ ok: true, cellId: 'c-1' });
    expect(cellIdFromTopic('mqtt', 'twin', 'twin/cells/c 1/samples')).toEqual({
      ok: false,
      raw: 'c 1',
      problem: { field: 'cellId', reason: 'must match [A-Za-z0-9._-]{1,64}' },
    });
    for (const topic of [
      'other/cells/c-1/samples',
      'twin/cells//samples',
      'twin/cells/a/b/samples',
      'twin/cells/c-1/acks',
    ]) {
      expect(cellIdFromTopic('mqtt', 'twin', topic)).toEqual({
        ok: false,
        raw: null,
        problem: { field: 'topic', reason: 'must be twin/cells/<cellId>/samples' },
      });
    }
  });
});
