import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response, dashboard included. The CSP admits only this origin: the
 * dashboard's bundled script and stylesheet, and its socket.io connection back to the same host
 * ('self' covers ws:/wss: to the same host in CSP3). Inline styles stay allowed because the
 * dashboard's templates set `style` attributes; inline scripts do not.
 * HSTS is left to the TLS-terminating proxy: sent over plain HTTP it would only mislead.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  }) as RequestHandler;
}
