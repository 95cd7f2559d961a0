// npm start: build if needed, then run the service (embedded database unless DATABASE_URL is set).
import { resolve } from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';

buildIfNeeded();
await import(resolve(import.meta.dirname, '..', 'dist', 'api.mjs'));
