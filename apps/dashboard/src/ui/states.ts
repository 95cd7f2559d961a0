import { ApiError, NetworkError } from '../api/http-client';
import { h } from './dom';

export type StateKind = 'loading' | 'empty' | 'error' | 'unavailable';

/** The one look for loading, empty, error and "not on this server yet" states. */
export function stateBox(kind: StateKind, message: string, detail?: string): HTMLElement {
  return h(
    'div',
    { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-state': kind },
    h('p', null, message),
    detail ? h('p', { class: 'state-detail' }, detail) : null,
  );
}

export function unavailable(feature: string): HTMLElement {
  return stateBox(
    'unavailable',
    `${feature} is not available on this server yet.`,
    'The endpoint answered 404: this part of the API is still being built. The rest of the dashboard works.',
  );
}

/** The right state for an error: 404 → not available, network → cannot reach, else the server's message. */
export function errorState(error: unknown, feature: string): HTMLElement {
  if (error instanceof ApiError && error.notAvailable) return unavailable(feature);
  if (error instanceof NetworkError)
    return stateBox('error', 'Cannot reach the server.', 'Retrying when the connection returns.');
  if (error instanceof ApiError) {
    const fields = error.details.map((d) => `${d.field}: ${d.reason}`).join('; ');
    return stateBox('error', `${feature}: ${error.message}`, fields || `HTTP ${error.status} ${error.code}`);
  }
  return stateBox('error', `${feature}: ${(error as Error)?.message ?? String(error)}`);
}

export function isNotAvailable(error: unknown): boolean {
  return error instanceof ApiError && error.notAvailable;
}
