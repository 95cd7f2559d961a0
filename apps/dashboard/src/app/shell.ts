import type { ConnectionState, LiveClient } from '../api/live-client';
import { h, setText } from '../ui/dom';
import { paths, type Route } from './routes';

const NAV: { label: string; href: string; views: Route['view'][] }[] = [
  { label: 'Cells', href: paths.cells(), views: ['cells', 'cell'] },
  { label: 'EIS', href: paths.eis(), views: ['eis'] },
  { label: 'Alerts', href: paths.alerts(), views: ['alerts'] },
  { label: 'Replays', href: paths.replays(), views: ['replays'] },
  { label: 'What-if', href: paths.whatif(), views: ['whatif'] },
];

const STATUS_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
};

export interface Shell {
  main: HTMLElement;
  setActive(route: Route): void;
}

/** Header (navigation, live connection status, sign out) around the view area. */
export function renderShell(root: HTMLElement, live: LiveClient, onSignOut: () => void): Shell {
  const links = NAV.map((item) => ({ item, a: h('a', { href: item.href, 'data-link': true }, item.label) }));
  const status = h('span', {
    class: 'conn',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'connection',
  });
  live.onStatus((s) => {
    setText(status, STATUS_TEXT[s]);
    status.dataset.status = s;
  });
  const main = h('main', { id: 'view', tabindex: '-1' });
  root.replaceChildren(
    h('a', { class: 'skip', href: '#view' }, 'Skip to content'),
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: paths.cells(), 'data-link': true }, 'Operando Twin'),
      h('nav', { 'aria-label': 'Views' }, ...links.map((l) => l.a)),
      status,
      h('button', { type: 'button', class: 'ghost', onclick: onSignOut }, 'Sign out'),
    ),
    main,
  );
  return {
    main,
    setActive(route) {
      for (const { item, a } of links) {
        if (item.views.includes(route.view)) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
  };
}
