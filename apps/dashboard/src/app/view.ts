import type { ApiClient } from '../api/http-client';
import type { LiveClient } from '../api/live-client';
import type { Route } from './routes';

export interface ViewContext {
  api: ApiClient;
  live: LiveClient;
  navigate(path: string): void;
}

/** A view renders into `root` and returns its teardown (unsubscribe, stop timers, destroy charts). */
export type View<R extends Route = Route> = (root: HTMLElement, ctx: ViewContext, route: R) => () => void;
