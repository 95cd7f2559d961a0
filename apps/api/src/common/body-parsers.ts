import express, { type RequestHandler } from 'express';
import { ErrorCode } from './domain-error';
import { errorBody } from './error-body';

/**
 * Body parsers whose failures answer with the contract's error body (express's own would send HTML).
 * 16 MB fits 10,000 samples with room to spare; larger bodies get 413 before any parsing.
 */
export function bodyParsers(limit = '16mb'): RequestHandler[] {
  const wrap =
    (parser: RequestHandler): RequestHandler =>
    (req, res, next) =>
      parser(req, res, (err?: unknown) => {
        if (!err) return next();
        const e = err as { status?: number; type?: string; message?: string };
        if (e.status === 413 || e.type === 'entity.too.large') {
          res
            .status(413)
            .json(
              errorBody(ErrorCode.PayloadTooLarge, 'request body too large', [
                { field: 'body', reason: `over ${limit}` },
              ]),
            );
          return;
        }
        res
          .status(400)
          .json(
            errorBody(ErrorCode.ValidationFailed, 'malformed request body', [
              { field: 'body', reason: e.message ?? 'unparseable' },
            ]),
          );
      });
  return [
    wrap(express.json({ limit, strict: true })),
    wrap(express.text({ type: ['application/x-ndjson', 'application/ndjson'], limit })),
  ];
}
