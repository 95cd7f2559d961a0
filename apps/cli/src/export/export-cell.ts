import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { SamplePoint } from '@twin/contracts';
import { writeBdfCsv } from '@twin/cyclers';
import { ApiError, type TwinApiClient } from '../api/twin-api-client';

export interface ExportOptions {
  cellId: string;
  format: 'bdf' | 'csv';
  /** ISO-8601 or epoch ms, passed through to the API. */
  from?: string;
  to?: string;
}

const PAGE_ROWS = 50_000;

interface SampleJson {
  seq: number;
  ts: string;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
  cycle: number | null;
  step: number | null;
}

/**
 * Writes a cell's samples to `out`. BDF comes from `GET …/samples?format=bdf` (one streamed
 * response); a service without that format answers 400 naming `format`, and the export then pages
 * the JSON API and writes the BDF here with the same library writer, so the file is identical.
 */
export async function exportCell(
  client: TwinApiClient,
  options: ExportOptions,
  out: Writable,
): Promise<'server' | 'client'> {
  const base = `/cells/${encodeURIComponent(options.cellId)}/samples`;
  const range = new URLSearchParams();
  if (options.from) range.set('from', options.from);
  if (options.to) range.set('to', options.to);
  if (options.format === 'csv') {
    await pipeline(Readable.from(csvPages(client, base, range)), out);
    return 'server';
  }
  const res = await client.send('GET', `${base}?${withParams(range, { format: 'bdf' })}`, undefined, [400]);
  if (res.status === 200) {
    await pipeline(Readable.fromWeb(res.body! as WebReadableStream<Uint8Array>), out);
    return 'server';
  }
  const body = (await res.json().catch(() => null)) as { error?: { details?: { field: string }[] } } | null;
  if (!body?.error?.details?.some((d) => d.field === 'format')) throw new ApiError(400, body, `GET ${base}`);
  await pipeline(Readable.from(writeBdfCsv(jsonPages(client, base, range))), out);
  return 'client';
}

function withParams(range: URLSearchParams, extra: Record<string, string>): string {
  const params = new URLSearchParams(range);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

async function* jsonPages(
  client: TwinApiClient,
  base: string,
  range: URLSearchParams,
): AsyncIterable<SamplePoint> {
  let next: string | null = null;
  do {
    const query = withParams(range, { limit: String(PAGE_ROWS), ...(next ? { next } : {}) });
    const page = (await (await client.send('GET', `${base}?${query}`)).json()) as {
      samples: SampleJson[];
      next: string | null;
    };
    for (const s of page.samples) {
      yield {
        seq: s.seq,
        tsMs: Date.parse(s.ts),
        voltageV: s.voltageV,
        currentA: s.currentA,
        temperatureC: s.temperatureC,
        cycle: s.cycle,
        step: s.step,
      };
    }
    next = page.next;
  } while (next);
}

/** The CSV format pages with an `X-Next-Cursor` header; the header row is written once. */
async function* csvPages(client: TwinApiClient, base: string, range: URLSearchParams): AsyncIterable<string> {
  let next: string | null = null;
  let first = true;
  do {
    const query = withParams(range, { format: 'csv', limit: String(PAGE_ROWS), ...(next ? { next } : {}) });
    const res = await client.send('GET', `${base}?${query}`);
    next = res.headers.get('x-next-cursor');
    const text = await res.text();
    yield first ? text : text.slice(text.indexOf('\n') + 1);
    first = false;
  } while (next);
}
