import { z } from 'zod';
import { CELL_ID_PATTERN } from './cell.schema';
import { fieldProblemsFrom, type FieldProblem } from './error.schema';
import { MAX_SAMPLES_PER_BATCH, type IngestResult } from './ingest.schema';

/**
 * Message-bus ingest (issue #10): a rig or its gateway publishes one batch per message to the
 * cell's samples topic (MQTT) or subject (NATS JetStream); the service answers on the cell's acks
 * topic/subject. Both buses carry the same JSON payload and the same outcome.
 */
export const busSamplesMessageSchema = z.object(
  {
    token: z
      .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a string') })
      .min(1, 'required'),
    samples: z
      .array(z.unknown(), {
        error: (iss) => (iss.input === undefined ? 'required' : 'must be an array'),
      })
      .max(MAX_SAMPLES_PER_BATCH, `at most ${MAX_SAMPLES_PER_BATCH} samples per message`),
  },
  { error: 'must be a JSON object {token, samples}' },
);
export type BusSamplesMessage = z.infer<typeof busSamplesMessageSchema>;

/** Whole-message failures (bad JSON, bad token, unknown cell): nothing of the message was stored. */
export interface BusErrorOutcome {
  error: { code: string; message: string; details: FieldProblem[] };
}

/** Published on the acks topic once per consumed message: the ingest result, or why it was dropped. */
export type BusOutcome = IngestResult | BusErrorOutcome;

export type ParsedBusMessage =
  { ok: true; message: BusSamplesMessage } | { ok: false; problems: FieldProblem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes off the wire → `{token, samples}`; the samples themselves are validated one by one later. */
export function parseBusMessage(payload: Uint8Array | string): ParsedBusMessage {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : utf8.decode(payload));
  } catch {
    return { ok: false, problems: [{ field: 'payload', reason: 'not valid UTF-8 JSON' }] };
  }
  const result = busSamplesMessageSchema.safeParse(json);
  if (!result.success) {
    const problems = fieldProblemsFrom(result.error.issues).map((p) =>
      p.field === 'body' ? { ...p, field: 'payload' } : p,
    );
    return { ok: false, problems };
  }
  return { ok: true, message: result.data };
}

/** MQTT topic levels are `/`-separated, NATS subject tokens `.`-separated; the layout is the same. */
export type BusKind = 'mqtt' | 'nats';

const SEPARATOR: Record<BusKind, string> = { mqtt: '/', nats: '.' };

/** A topic prefix is one level/token that both buses accept (no separators, no wildcards). */
export const BUS_TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Topics/subjects of one deployment: `<prefix>/cells/<cellId>/samples` and `…/acks` (MQTT). */
export function busTopics(kind: BusKind, prefix: string) {
  const sep = SEPARATOR[kind];
  const base = `${prefix}${sep}cells${sep}`;
  return {
    samples: (cellId: string) => `${base}${cellId}${sep}samples`,
    acks: (cellId: string) => `${base}${cellId}${sep}acks`,
    /** Every cell's samples: `+` is MQTT's one-level wildcard, `*` NATS's one-token wildcard. */
    allSamples: `${base}${kind === 'mqtt' ? '+' : '*'}${sep}samples`,
  };
}

export type TopicCell =
  { ok: true; cellId: string } | { ok: false; raw: string | null; problem: FieldProblem };

/**
 * The cell a samples topic names. `raw` is the level where the cell id should be, so an outcome can
 * still be published next to a malformed id; null when the topic is not a samples topic at all.
 */
export function cellIdFromTopic(kind: BusKind, prefix: string, topic: string): TopicCell {
  const sep = SEPARATOR[kind];
  const head = `${prefix}${sep}cells${sep}`;
  const tail = `${sep}samples`;
  if (!topic.startsWith(head) || !topic.endsWith(tail) || topic.length <= head.length + tail.length) {
    return { ok: false, raw: null, problem: { field: 'topic', reason: `must be ${head}<cellId>${tail}` } };
  }
  const raw = topic.slice(head.length, topic.length - tail.length);
  if (raw.includes(sep)) {
    return { ok: false, raw: null, problem: { field: 'topic', reason: `must be ${head}<cellId>${tail}` } };
  }
  if (!CELL_ID_PATTERN.test(raw)) {
    return { ok: false, raw, problem: { field: 'cellId', reason: 'must match [A-Za-z0-9._-]{1,64}' } };
  }
  return { ok: true, cellId: raw };
}
