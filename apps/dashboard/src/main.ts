import { ApiClient } from './api/http-client';
import { LiveClient } from './api/live-client';
import { parseRoute, type Route } from './app/routes';
import { renderShell, type Shell } from './app/shell';
import { renderSignIn } from './app/sign-in';
import { TokenStore, tokenFromHash } from './app/token-store';
import type { View, ViewContext } from './app/view';
import './styles.css';
import { h } from './ui/dom';
import { alertsView } from './views/alerts-view';
import { cellView } from './views/cell-view';
import { cellsView } from './views/cells-view';
import { eisView } from './views/eis-view';
import { replaysView } from './views/replays-view';
import { whatIfView } from './views/what-if-view';

const root = document.getElementById('app')!;
const store = new TokenStore(window.localStorage);

let session: { live: LiveClient; shell: Shell; ctx: ViewContext; teardown: () => void } | null = null;

function signOut(message: string | null): void {
  store.clear();
  if (session) {
    session.teardown();
    session.live.close();
    session = null;
  }
  renderSignIn(root, message, signIn);
}

function signIn(token: string): void {
  store.save(token);
  const onUnauthorized = () => signOut('Your token is no longer accepted. Sign in again.');
  const api = new ApiClient(token, onUnauthorized);
  const live = new LiveClient(token, onUnauthorized);
  const shell = renderShell(root, live, () => signOut(null));
  const ctx: ViewContext = {
    api,
    live,
    navigate(path) {
      history.pushState(null, '', path);
      route();
    },
  };
  session = { live, shell, ctx, teardown: () => undefined };
  route();
}

function mountView(route: Route): View {
  switch (route.view) {
    case 'cells':
      return cellsView as View;
    case 'cell':
      return cellView as View;
    case 'eis':
      return eisView as View;
    case 'alerts':
      return alertsView as View;
    case 'replays':
      return replaysView as View;
    case 'whatif':
      return whatIfView as View;
    case 'not-found':
      return (el, _ctx, r) => {
        el.replaceChildren(
          h(
            'section',
            { class: 'state state-empty' },
            h('h1', null, 'Page not found'),
            h('p', null, (r as { path: string }).path),
          ),
        );
        return () => undefined;
      };
  }
}

function route(): void {
  if (!session) return;
  session.teardown();
  const current = parseRoute(location.pathname, location.search);
  session.shell.setActive(current);
  session.shell.main.replaceChildren();
  const view = mountView(current);
  session.teardown = view(session.shell.main, session.ctx, current);
}

// Plain links stay plain links (keyboard, middle-click, copy link); same-origin ones route in place.
document.addEventListener('click', (event) => {
  const a = (event.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  event.preventDefault();
  session?.ctx.navigate(a.getAttribute('href')!);
});
window.addEventListener('popstate', route);

const fromHash = tokenFromHash(location.hash);
if (fromHash) {
  // Keep the token out of the address bar (and out of anything the user shares) once read.
  history.replaceState(null, '', location.pathname + location.search);
  signIn(fromHash);
} else {
  const saved = store.read();
  if (saved) signIn(saved);
  else renderSignIn(root, null, signIn);
}
