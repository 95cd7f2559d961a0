import { ADMIN_TOKEN } from './test-app';

/** One JSON request to a running service (a real process or an in-process app), as admin by default. */
export async function apiCall(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token = ADMIN_TOKEN,
) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** Every stored seq of a cell, through the paged samples endpoint. */
export async function storedSeqs(url: string, cellId: string): Promise<number[]> {
  const seqs: number[] = [];
  let next: string | null = null;
  do {
    const res = await apiCall(
      url,
      'GET',
      `/cells/${cellId}/samples?limit=50000${next ? `&next=${next}` : ''}`,
    );
    seqs.push(...res.body.samples.map((s: { seq: number }) => s.seq));
    next = res.body.next;
  } while (next);
  return seqs;
}
