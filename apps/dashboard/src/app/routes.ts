export type Route =
  | { view: 'cells' }
  | { view: 'cell'; cellId: string; at: string | null }
  | { view: 'eis'; cellId: string | null }
  | { view: 'alerts' }
  | { view: 'replays' }
  | { view: 'whatif' }
  | { view: 'not-found'; path: string };

/** Client-side routes on real paths (the API serves index.html for them), so links are plain links. */
export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'cells')) return { view: 'cells' };
  if (parts[0] === 'cells' && parts.length === 2)
    return { view: 'cell', cellId: parts[1], at: query.get('at') };
  if (parts[0] === 'eis' && parts.length <= 2) return { view: 'eis', cellId: parts[1] ?? null };
  if (parts.length === 1 && parts[0] === 'alerts') return { view: 'alerts' };
  if (parts.length === 1 && parts[0] === 'replays') return { view: 'replays' };
  if (parts.length === 1 && parts[0] === 'what-if') return { view: 'whatif' };
  return { view: 'not-found', path: pathname };
}

export const paths = {
  cells: () => '/cells',
  cell: (cellId: string, at?: string | null) =>
    `/cells/${encodeURIComponent(cellId)}${at ? `?at=${encodeURIComponent(at)}` : ''}`,
  eis: (cellId?: string | null) => (cellId ? `/eis/${encodeURIComponent(cellId)}` : '/eis'),
  alerts: () => '/alerts',
  replays: () => '/replays',
  whatif: () => '/what-if',
};
