import { describe, expect, it } from 'vitest';
import { parseRoute, paths } from './routes';
import { TokenStore, tokenFromHash } from './token-store';

describe('parseRoute', () => {
  it('maps every view path, the root included', () => {
    expect(parseRoute('/', '')).toEqual({ view: 'cells' });
    expect(parseRoute('/cells', '')).toEqual({ view: 'cells' });
    expect(parseRoute('/alerts', '')).toEqual({ view: 'alerts' });
    expect(parseRoute('/replays/', '')).toEqual({ view: 'replays' });
    expect(parseRoute('/what-if', '')).toEqual({ view: 'whatif' });
    expect(parseRoute('/eis', '')).toEqual({ view: 'eis', cellId: null });
    expect(parseRoute('/nope/deeper', '')).toEqual({ view: 'not-found', path: '/nope/deeper' });
  });

  it('round-trips a cell id with reserved characters and the alert time', () => {
    const href = paths.cell('cell a/1', '2026-11-01T08:00:00.000Z');
    const url = new URL(href, 'http://x');
    expect(parseRoute(url.pathname, url.search)).toEqual({
      view: 'cell',
      cellId: 'cell a/1',
      at: '2026-11-01T08:00:00.000Z',
    });
    expect(parseRoute(new URL(paths.eis('c.1'), 'http://x').pathname, '')).toEqual({
      view: 'eis',
      cellId: 'c.1',
    });
  });
});

describe('token sign-in helpers', () => {
  it('reads the token from the hash, alone or among other parameters', () => {
    expect(tokenFromHash('#token=ot_viewer_abc')).toBe('ot_viewer_abc');
    expect(tokenFromHash('#view=1&token=xyz')).toBe('xyz');
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });

  it('remembers, reads and forgets the token', () => {
    const map = new Map<string, string>();
    const store = new TokenStore({
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
    });
    expect(store.read()).toBeNull();
    store.save('t1');
    expect(store.read()).toBe('t1');
    store.clear();
    expect(store.read()).toBeNull();
  });
});
