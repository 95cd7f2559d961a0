import { tokenAccepted } from '../api/http-client';
import { h } from '../ui/dom';

/** The token form. Resolves with a token the server accepted. */
export function renderSignIn(
  root: HTMLElement,
  message: string | null,
  onToken: (token: string) => void,
): void {
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'token-help',
  });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'sign-in-error' }, message ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    {
      class: 'sign-in card',
      'data-testid': 'sign-in-form',
      onsubmit: (event) => {
        event.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        button.disabled = true;
        error.textContent = 'Checking…';
        void tokenAccepted(token).then((result) => {
          button.disabled = false;
          if (result.ok) onToken(token);
          else error.textContent = result.message;
        });
      },
    },
    h('h1', null, 'Operando Twin'),
    h('p', null, 'Live digital twin of all-solid-state battery cells.'),
    h('label', { for: 'token' }, 'Viewer token'),
    input,
    h(
      'p',
      { id: 'token-help', class: 'hint' },
      'Ask an admin for a viewer token (POST /api/v1/tokens). It is remembered in this browser.',
    ),
    button,
    error,
  );
  root.replaceChildren(h('main', { class: 'sign-in-page' }, form));
  input.focus();
}
