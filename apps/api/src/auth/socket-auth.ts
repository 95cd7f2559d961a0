import type { Role } from '@twin/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { AuthService } from './auth.service';
import type { Principal } from './principal';

export type AuthedSocket = Socket & { data: { principal: Principal } };

/**
 * Authenticates every connection of a namespace from `handshake.auth.token`; the client sees a
 * `connect_error` whose message is `unauthorized` or `forbidden`.
 */
export function requireSocketRoles(namespace: Namespace, auth: AuthService, roles: readonly Role[]): void {
  namespace.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    auth
      .verify(token)
      .then((principal) => {
        if (!principal) return next(new Error('unauthorized'));
        if (!roles.includes(principal.role)) return next(new Error('forbidden'));
        (socket as AuthedSocket).data.principal = principal;
        next();
      })
      .catch(() => next(new Error('unavailable')));
  });
}
