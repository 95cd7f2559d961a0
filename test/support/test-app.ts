import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { startApp } from '../../apps/api/src/bootstrap';
import { loadConfig, type AppConfig } from '../../apps/api/src/config/app-config';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  request(
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
    contentType?: string,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  socket(namespace: '/live' | '/rigs', token: string | null): Socket;
  /** Every stored sample of a cell, following the paging cursor. */
  allSamples(cellId: string): Promise<any[]>;
  close(): Promise<void>;
}

/** Boots the real service in-process on an ephemeral port against the given database. */
export async function startTestApp(
  databaseUrl: string | null,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twin-app-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const app = await startApp(config);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const sockets: Socket[] = [];
  const testApp: TestApp = {
    app,
    url,
    config,
    async request(method, path, body, token = ADMIN_TOKEN, contentType = 'application/json') {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = contentType;
      const res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep text (CSV) */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async allSamples(cellId) {
      const out: any[] = [];
      let next: string | null = null;
      do {
        const res = await this.request(
          'GET',
          `/cells/${cellId}/samples?limit=50000${next ? `&next=${next}` : ''}`,
        );
        out.push(...res.body.samples);
        next = res.body.next;
      } while (next);
      return out;
    },
    socket(namespace, token) {
      const s = io(`${url}${namespace}`, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
      });
      sockets.push(s);
      return s;
    },
    async close() {
      sockets.forEach((s) => s.close());
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

export const sampleCell = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  cathode: 'NCM811',
  electrolyte: 'Li6PS5Cl',
  nominalCapacityAh: 0.005,
  electrodeAreaCm2: 0.785,
  stackPressureMPa: 10,
  ...extra,
});

export async function eventually<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > until)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await fn();
  }
  return last;
}
