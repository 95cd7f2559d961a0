import type { SamplePoint, SpectrumRecord } from '@twin/contracts';
import { backoffMs, parseRetryAfterMs } from './retry-after';

export interface ApiClientOptions {
  /** Service root, e.g. http://localhost:3000 (the client adds /api/v1). */
  baseUrl: string;
  token: string | null;
  /** Attempts per request on 429/503 and network errors; `Infinity` for a harvester that must outlive outages. */
  maxAttempts?: number;
  /** Told about every wait, so commands can log it (one line per event). */
  onRetry?: (info: { path: string; reason: string; waitMs: number; attempt: number }) => void;
}

export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: { index: number; field: string; reason: string }[];
}

/** The ingest API's sample shape (issue #3 contract); ts as epoch ms keeps the parser's exact value. */
export interface WireSample {
  seq: number;
  ts: number;
  voltageV: number;
  currentA: number;
  temperatureC: number | null;
  cycle: number | null;
  step: number | null;
}

export function toWireSample(s: SamplePoint): WireSample {
  return {
    seq: s.seq,
    ts: s.tsMs,
    voltageV: s.voltageV,
    currentA: s.currentA,
    temperatureC: s.temperatureC ?? null,
    cycle: s.cycle ?? null,
    step: s.step ?? null,
  };
}

/** An HTTP answer the command cannot recover from; the message carries the contract's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    path: string,
  ) {
    super(`${path}: HTTP ${status}${describeErrorBody(body)}`);
    this.name = 'ApiError';
  }
}

function describeErrorBody(body: unknown): string {
  const error = (body as { error?: { message?: string; details?: { field: string; reason: string }[] } })
    ?.error;
  if (!error) return '';
  const details = (error.details ?? []).map((d) => `${d.field}: ${d.reason}`).join('; ');
  return ` ${error.message ?? ''}${details ? ` (${details})` : ''}`;
}

const RETRY_STATUSES = new Set([429, 503]);

/** The public HTTP API as the `twin` command uses it; no Nest, only fetch. */
export class TwinApiClient {
  private readonly root: string;
  private readonly maxAttempts: number;

  constructor(private readonly options: ApiClientOptions) {
    this.root = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  /** Sends with retries on 429/503 (honouring Retry-After) and on network failures. */
  async send(
    method: string,
    path: string,
    body?: unknown,
    accept: readonly number[] = [],
  ): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.root}${path}`, {
          method,
          headers: {
            ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        if (attempt + 1 >= this.maxAttempts) throw networkError(this.root, error);
        await this.wait(path, `network: ${causeOf(error)}`, backoffMs(attempt), attempt);
        continue;
      }
      if (res.ok || accept.includes(res.status)) return res;
      const payload = await readBody(res);
      if (RETRY_STATUSES.has(res.status) && attempt + 1 < this.maxAttempts) {
        const waitMs = parseRetryAfterMs(res.headers.get('retry-after'), Date.now()) ?? backoffMs(attempt);
        await this.wait(path, `HTTP ${res.status}`, waitMs, attempt);
        continue;
      }
      throw new ApiError(res.status, payload, `${method} ${path}`);
    }
  }

  async postSamples(cellId: string, samples: readonly WireSample[]): Promise<IngestCounts> {
    const res = await this.send('POST', `/cells/${encodeURIComponent(cellId)}/samples`, { samples });
    return (await res.json()) as IngestCounts;
  }

  /** 'unsupported' when the service has no spectra endpoint (404 on the route itself). */
  async postSpectrum(cellId: string, spectrum: SpectrumRecord): Promise<'stored' | 'unsupported'> {
    const res = await this.send(
      'POST',
      `/cells/${encodeURIComponent(cellId)}/spectra`,
      {
        ts: spectrum.tsMs,
        soc: spectrum.soc ?? null,
        temperatureC: spectrum.temperatureC ?? null,
        cycle: spectrum.cycle ?? null,
        points: spectrum.points.map((p) => ({ fHz: p.fHz, zRealOhm: p.zRealOhm, zImagOhm: p.zImagOhm })),
      },
      [404],
    );
    if (res.status !== 404) return 'stored';
    const body = await readBody(res);
    // A 404 naming the cell is a real error; a 404 for the route means the endpoint is not there yet.
    if (mentionsCell(body)) throw new ApiError(404, body, `POST /cells/${cellId}/spectra`);
    return 'unsupported';
  }

  /**
   * Adds the cell to a campaign. The campaigns API's PATCH replaces `cellIds`, so the current list is
   * read first. 'not-found' when the campaign (or the campaigns API) answers 404.
   */
  async addCellToCampaign(campaignId: string, cellId: string): Promise<'added' | 'already' | 'not-found'> {
    const path = `/campaigns/${encodeURIComponent(campaignId)}`;
    const current = await this.send('GET', path, undefined, [404]);
    const campaign = (await readBody(current)) as { cellIds?: string[] };
    if (current.status === 404) return 'not-found';
    const cellIds = campaign.cellIds ?? [];
    if (cellIds.includes(cellId)) return 'already';
    const res = await this.send('PATCH', path, { cellIds: [...cellIds, cellId] }, [404]);
    await readBody(res);
    return res.status === 404 ? 'not-found' : 'added';
  }

  private async wait(path: string, reason: string, waitMs: number, attempt: number): Promise<void> {
    this.options.onRetry?.({ path, reason, waitMs, attempt: attempt + 1 });
    await new Promise((r) => setTimeout(r, waitMs));
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function mentionsCell(body: unknown): boolean {
  const details = (body as { error?: { details?: { field?: string }[] } })?.error?.details ?? [];
  return details.some((d) => d.field === 'cellId' || d.field === 'id');
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function networkError(root: string, error: unknown): Error {
  return new Error(`cannot reach ${root}: ${causeOf(error)}`);
}
