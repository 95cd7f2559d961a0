export interface ErrorDetail {
  field: string;
  reason: string;
}

/** A non-2xx answer, with the contract error body's code, message and field details when present. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** 404 from an endpoint another team is still building: the view says "not available yet". */
  get notAvailable(): boolean {
    return this.status === 404;
  }

  /** 404 because no route matches (Nest's "Cannot GET …"), as opposed to a missing resource on a real route. */
  get routeMissing(): boolean {
    return this.status === 404 && this.message.startsWith('Cannot ');
  }
}

/** Network failure (server down, offline): distinct from an answer the server gave. */
export class NetworkError extends Error {}

type Query = Record<string, string | number | null | undefined>;

/** Typed fetch over `/api/v1` with the viewer token; a 401 signs the page out once. */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: (error: ApiError) => void,
    private readonly base = '/api/v1',
  ) {}

  get<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new NetworkError(`cannot reach the server (${(error as Error).message})`);
    }
    const text = await res.text();
    const parsed = parseBody(text);
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)
        ?.error;
      const error = new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? `${method} ${path} answered ${res.status}`,
        Array.isArray(err?.details) ? err.details : [],
      );
      if (res.status === 401) this.onUnauthorized(error);
      throw error;
    }
    return parsed as T;
  }
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Checks a token without signing anyone out: true when `/cells` accepts it. */
export async function tokenAccepted(token: string): Promise<{ ok: boolean; message: string }> {
  try {
    const res = await fetch('/api/v1/cells', { headers: { authorization: `Bearer ${token}` } });
    if (res.ok) return { ok: true, message: '' };
    if (res.status === 401) return { ok: false, message: 'This token was not accepted.' };
    if (res.status === 403)
      return { ok: false, message: 'This token may not read cells (use a viewer token).' };
    return { ok: false, message: `The server answered ${res.status}.` };
  } catch {
    return { ok: false, message: 'Cannot reach the server.' };
  }
}
