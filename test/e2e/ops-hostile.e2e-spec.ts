import { connect as netConnect } from 'node:net';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { ADMIN_TOKEN, connected, sampleCell, startTestApp, type TestApp } from '../support/test-app';

/**
 * Hostile input on every entry point (HTTP JSON/NDJSON, /rigs and /live sockets, file import):
 * each case gets a clear 4xx or socket error, nothing refused is written, the process keeps
 * answering /health and its memory stays bounded.
 */
let db: TestDatabase;
let t: TestApp;
let sql: pg.Client;
let rigToken: string;
let viewerToken: string;
const T0 = Date.UTC(2026, 10, 1, 8, 0, 0);
const REQUEST_TIMEOUT_MS = 1500;

const sample = (seq: number, extra: Record<string, unknown> = {}) => ({
  seq,
  ts: T0 + seq * 1000,
  voltageV: 3.6,
  currentA: 0.001,
  ...extra,
});

async function rowCount(cellId: string): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM samples WHERE cell_id = $1',
    [cellId],
  );
  return rows[0].n;
}

async function healthy(): Promise<boolean> {
  return (await t.request('GET', '/health', undefined, null)).status === 200;
}

async function raw(path: string, body: string, contentType = 'application/json', token = ADMIN_TOKEN) {
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body: parsed };
}

function emitAck(socket: Socket, event: string, ...args: unknown[]): Promise<any> {
  return socket.timeout(10_000).emitWithAck(event, ...args);
}

beforeAll(async () => {
  process.env.HTTP_REQUEST_TIMEOUT_MS = String(REQUEST_TIMEOUT_MS);
  process.env.HTTP_HEADERS_TIMEOUT_MS = '1000';
  process.env.HTTP_TIMEOUT_CHECK_INTERVAL_MS = '200';
  db = await createTestDatabase(inject('pgAdminUrl'));
  t = await startTestApp(db.url);
  sql = new pg.Client({ connectionString: db.url ?? undefined });
  await sql.connect();
  for (const id of ['fz-a', 'fz-b', 'fz-sock', 'fz-imp']) {
    expect((await t.request('POST', '/cells', sampleCell(id))).status).toBe(201);
  }
  rigToken = (await t.request('POST', '/tokens', { role: 'rig', label: 'r', cellIds: ['fz-a', 'fz-sock'] }))
    .body.token;
  viewerToken = (await t.request('POST', '/tokens', { role: 'viewer', label: 'v' })).body.token;
});
afterAll(async () => {
  await sql?.end();
  await t?.close();
  await db?.drop();
});

describe.skipIf(!inject('pgAdminUrl'))('hostile HTTP input', () => {
  it('answers malformed and wrongly typed bodies with 400 and the error body, writing nothing', async () => {
    const bodies = [
      '{"samples": [',
      '{samples: 1}',
      '\u0000\u0001',
      'null',
      '"text"',
      '[]',
      '{"samples":"x"}',
    ];
    bodies.push('{"samples":{}}', '{"samples":null}', '{"other":[]}', '1e999');
    for (const body of bodies) {
      const res = await raw('/cells/fz-a/samples', body);
      expect(res.status, body).toBe(400);
      expect(res.body.error.code, body).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.length, body).toBeGreaterThan(0);
    }
    expect(await rowCount('fz-a')).toBe(0);
    expect(await healthy()).toBe(true);
  });

  it('rejects each bad sample by index (wrong types, NaN/Infinity, negative seq, far future) and stores none of them', async () => {
    const farFuture = Date.now() + 365 * 24 * 3600 * 1000;
    const bad = [
      1,
      'a',
      null,
      [],
      {},
      { ...sample(0), seq: '1' },
      { ...sample(0), seq: 1.5 },
      { ...sample(0), seq: -1 },
      { ...sample(0), seq: 2 ** 60 },
      { ...sample(0), voltageV: 'NaN' },
      { ...sample(0), voltageV: 'Infinity' },
      { ...sample(0), voltageV: null },
      { ...sample(0), currentA: { $gt: 0 } },
      { ...sample(0), ts: 'yesterday' },
      { ...sample(0), ts: farFuture },
      { ...sample(0), ts: -1 },
    ];
    const res = await t.request('POST', '/cells/fz-a/samples', { samples: bad });
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual(bad.map((_, i) => i));
    expect(res.body.rejected.find((r: { index: number }) => r.index === 14)).toMatchObject({ field: 'ts' });
    // 1e999 written as a JSON number parses to Infinity: a literal overflow must not become a stored value.
    const overflow = await raw(
      '/cells/fz-a/samples',
      `{"samples":[{"seq":0,"ts":${T0},"voltageV":1e999,"currentA":-1e999}]}`,
    );
    expect(overflow.status).toBe(201);
    expect(overflow.body).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    const ndjson = await raw(
      '/cells/fz-a/samples',
      `{"seq":0,"ts":${T0},"voltageV":NaN,"currentA":0}\n{"seq":1,"ts":${T0},"voltageV":"Infinity","currentA":0}\n`,
      'application/x-ndjson',
    );
    expect(ndjson.body).toMatchObject({ accepted: 0, rejected: [{ index: 0 }, { index: 1 }] });
    expect(await rowCount('fz-a')).toBe(0);
  });

  it('takes reordered and repeated seqs once each', async () => {
    const res = await t.request('POST', '/cells/fz-a/samples', {
      samples: [sample(5), sample(3), sample(4), sample(3)],
    });
    expect(res.body).toEqual({ accepted: 3, duplicates: 1, rejected: [] });
    expect(await rowCount('fz-a')).toBe(3);
    const again = await t.request('POST', '/cells/fz-a/samples', { samples: [sample(4), sample(2)] });
    expect(again.body).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect(await rowCount('fz-a')).toBe(4);
  });

  it('refuses huge arrays (413), oversized bodies (413) and deep nesting (400) as a whole', async () => {
    const huge = Array.from({ length: 10_001 }, (_, i) => sample(1000 + i));
    const tooMany = await t.request('POST', '/cells/fz-b/samples', { samples: huge });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const big = await raw('/cells/fz-b/samples', `{"samples":[],"pad":"${'x'.repeat(17 * 1024 * 1024)}"}`);
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const depth = 50_000;
    const deep = await raw('/cells/fz-b/samples', `{"samples":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    // The outer array holds one (deeply nested) element: rejected as not a sample object.
    expect(deep.status).toBe(201);
    expect(deep.body).toMatchObject({ accepted: 0, rejected: [{ index: 0, reason: 'must be an object' }] });
    const deepField = await raw(
      '/cells/fz-b/samples',
      `{"samples":[{"seq":1,"ts":${T0},"currentA":0,"voltageV":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}`,
    );
    expect(deepField.body).toMatchObject({ accepted: 0, rejected: [{ index: 0, field: 'voltageV' }] });
    expect(await rowCount('fz-b')).toBe(0);
    expect(await healthy()).toBe(true);
  });

  it('answers unknown cells with 404 and keeps SQL-looking ids inert', async () => {
    const unknown = await t.request('POST', '/cells/nope/samples', { samples: [sample(0)] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details[0].field).toBe('cellId');
    const evil = encodeURIComponent("x'; DROP TABLE samples; --");
    expect((await t.request('POST', `/cells/${evil}/samples`, { samples: [sample(0)] })).status).toBe(404);
    expect((await t.request('GET', `/cells/${evil}/samples`)).status).toBe(404);
    const injectedCell = await t.request('POST', '/cells', sampleCell("x' OR '1'='1"));
    expect(injectedCell.status).toBe(400);
    expect(await rowCount('fz-a')).toBe(4);
  });

  it('does not let __proto__ keys reach any prototype', async () => {
    const res = await raw(
      '/cells/fz-b/samples',
      `{"__proto__":{"polluted":true},"samples":[{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}]}`,
    );
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await rowCount('fz-b')).toBe(0);
  });

  it('cuts off a client that trickles its body or its headers byte by byte (408, connection closed)', async () => {
    const trickle = (head: string, rest: string) =>
      new Promise<{ reply: string; closedAfterMs: number }>((resolve, reject) => {
        const { port } = new URL(t.url);
        const started = Date.now();
        const socket = netConnect(Number(port), '127.0.0.1');
        let reply = '';
        let i = 0;
        let timer: NodeJS.Timeout | undefined;
        socket.on('connect', () => {
          socket.write(head);
          timer = setInterval(() => {
            if (i < rest.length && !socket.destroyed) socket.write(rest[i++]);
          }, 100);
        });
        socket.on('data', (d) => (reply += d.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ reply, closedAfterMs: Date.now() - started });
        });
        setTimeout(() => reject(new Error('server never cut the slow client off')), 15_000);
      });
    const body = JSON.stringify({ samples: [sample(900)] }).padEnd(400, ' ');
    const bodyTrickle = trickle(
      `POST /api/v1/cells/fz-b/samples HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    const headerTrickle = trickle(
      'GET /api/v1/health HTTP/1.1\r\n',
      `Host: x\r\nX-Slow: ${'y'.repeat(200)}\r\n\r\n`,
    );
    // The service keeps serving others meanwhile.
    expect(await healthy()).toBe(true);
    const [b, h] = await Promise.all([bodyTrickle, headerTrickle]);
    expect(b.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(b.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 1500);
    expect(h.reply).toMatch(/^HTTP\/1\.1 408/);
    expect(h.closedAfterMs).toBeLessThan(1000 + 1500);
    expect(await rowCount('fz-b')).toBe(0);
    expect(await healthy()).toBe(true);
  }, 120_000);
});

describe.skipIf(!inject('pgAdminUrl'))('hostile socket input', () => {
  it('answers every wrong payload shape on /rigs with an error or per-sample rejections', async () => {
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const shapes: unknown[] = [null, 'str', 42, [], true, { cellId: 5, samples: [] }, { cellId: 'fz-sock' }];
    shapes.push({ cellId: 'fz-sock', samples: 'x' }, { cellId: 'fz-sock', samples: { length: 5 } });
    for (const payload of shapes) {
      const ack = await emitAck(rig, 'samples', payload);
      expect(ack.error?.code, JSON.stringify(payload)).toBe('VALIDATION_FAILED');
    }
    const twoArgs = await emitAck(rig, 'samples', { cellId: 'fz-sock' }, { samples: [sample(0)] });
    expect(twoArgs.error.code).toBe('VALIDATION_FAILED');
    const badSamples = await emitAck(rig, 'samples', {
      cellId: 'fz-sock',
      samples: [null, { seq: -1 }, { ...sample(0), voltageV: 'NaN' }, { ...sample(0), ts: 9e15 }],
    });
    expect(badSamples).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(badSamples.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3]);
    const unknown = await emitAck(rig, 'samples', { cellId: 'nope', samples: [sample(0)] });
    expect(unknown).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [{ index: 0, field: 'cellId', reason: 'unknown cell' }],
    });
    const huge = await emitAck(rig, 'samples', {
      cellId: 'fz-sock',
      samples: Array.from({ length: 10_001 }, (_, i) => sample(i)),
    });
    expect(huge.error.code).toBe('PAYLOAD_TOO_LARGE');
    // No ack callback and unknown events: nothing to answer, nothing breaks.
    rig.emit('samples', { cellId: 'fz-sock', samples: 'x' });
    rig.emit('no-such-event', { a: 1 });
    const spectrum = await emitAck(rig, 'spectrum', 'not an object');
    expect(spectrum.error).toBeDefined();
    expect(rig.connected).toBe(true);
    expect(await rowCount('fz-sock')).toBe(0);
  });

  it('drops a socket whose message exceeds the buffer limit and keeps serving', async () => {
    const rig = t.socket('/rigs', ADMIN_TOKEN);
    await connected(rig);
    const closed = new Promise<string>((r) => rig.once('disconnect', (reason) => r(reason)));
    rig.emit('samples', { cellId: 'fz-sock', samples: [], pad: 'x'.repeat(9_000_000) });
    expect(await closed).toBe('transport close');
    expect(await healthy()).toBe(true);
    expect(await rowCount('fz-sock')).toBe(0);
  });

  it('answers wrong subscribe payloads on /live with ok:false', async () => {
    const live = t.socket('/live', viewerToken);
    await connected(live);
    for (const body of [null, 'fz-a', 7, { cellId: 7 }, { cellId: 'nope' }, [{ cellId: 'fz-a' }]]) {
      const ack = await emitAck(live, 'subscribe', body);
      expect(ack.ok, JSON.stringify(body)).toBe(false);
    }
    expect((await emitAck(live, 'unsubscribe', {})).ok).toBe(false);
    expect((await emitAck(live, 'subscribe', { cellId: 'fz-a' })).ok).toBe(true);
  });
});

describe.skipIf(!inject('pgAdminUrl'))('authorisation on every write path', () => {
  it('lets a rig token write only its own cells, over HTTP and the socket', async () => {
    const own = await t.request('POST', '/cells/fz-a/samples', { samples: [sample(100)] }, rigToken);
    expect(own.status).toBe(201);
    const other = await t.request('POST', '/cells/fz-b/samples', { samples: [sample(100)] }, rigToken);
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({ code: 'FORBIDDEN', details: [{ field: 'cellId' }] });
    const rig = t.socket('/rigs', rigToken);
    await connected(rig);
    const denied = await emitAck(rig, 'samples', { cellId: 'fz-b', samples: [sample(100)] });
    expect(denied.error.code).toBe('FORBIDDEN');
    const allowed = await emitAck(rig, 'samples', { cellId: 'fz-sock', samples: [sample(100)] });
    expect(allowed.accepted).toBe(1);
    expect(await rowCount('fz-b')).toBe(0);
  });

  it('never lets a viewer write (HTTP ingest, cells, tokens, imports, /rigs)', async () => {
    expect(
      (await t.request('POST', '/cells/fz-a/samples', { samples: [sample(200)] }, viewerToken)).status,
    ).toBe(403);
    expect((await t.request('POST', '/cells', sampleCell('fz-viewer'), viewerToken)).status).toBe(403);
    expect((await t.request('POST', '/tokens', { role: 'admin', label: 'x' }, viewerToken)).status).toBe(403);
    const form = new FormData();
    form.append('cellId', 'fz-a');
    form.append('file', new Blob(['seq,ts\n']), 'x.csv');
    const imp = await fetch(`${t.url}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewerToken}` },
      body: form,
    });
    expect(imp.status).toBe(403);
    await expect(connected(t.socket('/rigs', viewerToken))).rejects.toThrow('forbidden');
    expect(await rowCount('fz-a')).toBe(5);
  });
});

describe.skipIf(!inject('pgAdminUrl'))('hostile file imports', () => {
  const upload = async (
    fields: Record<string, string>,
    file: string | Uint8Array | null,
    token = ADMIN_TOKEN,
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file !== null)
      form.append('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)]), 'data.bin');
    const res = await fetch(`${t.url}/api/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers every broken upload with a 4xx naming the problem and writes nothing', async () => {
    const notMultipart = await raw('/imports', '{"cellId":"fz-imp"}');
    expect(notMultipart.status).toBe(400);
    expect(notMultipart.body.error.details[0].field).toBe('file');
    const cases: [Record<string, string>, string | Uint8Array | null, string, number, string][] = [
      [{}, 'seq,ts\n', ADMIN_TOKEN, 400, 'cellId'],
      [{ cellId: 'fz-imp' }, null, ADMIN_TOKEN, 400, 'file'],
      [{ cellId: 'fz-imp', format: 'exe' }, 'x', ADMIN_TOKEN, 400, 'format'],
      [{ cellId: 'fz-imp', importId: '../../etc' }, 'x', ADMIN_TOKEN, 400, 'importId'],
      [{ cellId: 'nope' }, 'x', ADMIN_TOKEN, 404, 'cellId'],
      [{ cellId: 'fz-imp' }, rigToken, rigToken, 403, 'cellId'],
      [{ cellId: 'fz-imp' }, new Uint8Array(4096).map((_, i) => (i * 7919) % 256), ADMIN_TOKEN, 400, 'file'],
      [{ cellId: 'fz-imp' }, '\u0000\u0000PK\u0003\u0004garbage', ADMIN_TOKEN, 400, 'file'],
    ];
    for (const [fields, file, token, status, field] of cases) {
      const res = await upload(fields, file, token);
      expect(res.status, JSON.stringify(fields)).toBe(status);
      expect(res.body.error.details[0].field, JSON.stringify(fields)).toBe(field);
    }
    expect(await rowCount('fz-imp')).toBe(0);
    expect(await healthy()).toBe(true);
  }, 120_000);
});

describe.skipIf(!inject('pgAdminUrl'))('bounded memory under a burst of hostile requests', () => {
  it('keeps RSS growth bounded over 240 bad HTTP requests and 240 bad socket messages', async () => {
    const burst = async () => {
      const rig = t.socket('/rigs', ADMIN_TOKEN);
      await connected(rig);
      const bodies = [
        '{"samples": [',
        JSON.stringify({ samples: Array.from({ length: 300 }, (_, i) => ({ seq: -i })) }),
        JSON.stringify({ samples: Array.from({ length: 10_001 }, () => 0) }),
        `{"samples":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      ];
      for (let round = 0; round < 15; round++) {
        await Promise.all(
          Array.from({ length: 16 }, async (_, k) => {
            const res = await raw('/cells/fz-b/samples', bodies[k % bodies.length]);
            expect([201, 400, 413]).toContain(res.status);
            const ack = await emitAck(
              rig,
              'samples',
              k % 2 ? { cellId: 'fz-b', samples: 'x' } : { cellId: 'nope', samples: [{}] },
            );
            expect(ack.error ?? ack.rejected).toBeDefined();
          }),
        );
      }
      rig.close();
    };
    await burst(); // warm-up: JIT, pools and caches reach their working size
    global.gc?.();
    const before = process.memoryUsage().rss;
    await burst();
    global.gc?.();
    const growthMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    console.log(`[ops-hostile] RSS growth over the second burst: ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(150);
    expect(await rowCount('fz-b')).toBe(0);
    expect(await healthy()).toBe(true);
  }, 120_000);
});
