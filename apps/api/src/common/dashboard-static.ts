import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler } from 'express';

/**
 * Serves the built dashboard (dist/dashboard) at `/`, with index.html for client-side routes.
 * API and socket.io paths are never shadowed.
 */
export function dashboardStatic(distDir: string): RequestHandler[] {
  const indexHtml = join(distDir, 'index.html');
  if (!existsSync(indexHtml)) return [];
  const assets = express.static(distDir, { index: 'index.html', maxAge: '1h' });
  const fallback: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || req.path.startsWith('/api/') || req.path.startsWith('/socket.io'))
      return next();
    if (req.path.includes('.')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  };
  return [assets, fallback];
}
