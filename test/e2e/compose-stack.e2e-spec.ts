import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { RigConnection, type WireSample } from '../../apps/rig-sim/src/rig-connection';
import { apiCall, storedSeqs } from '../support/api-call';
import { freePort, REPO_ROOT, startApiProcess, type ApiProcess } from '../support/api-process';
import { portOpen } from '../support/bus-test-kit';
import { RedisServer, redisAvailable } from '../support/redis-server';
import { ADMIN_TOKEN, eventually, sampleCell } from '../support/test-app';
import { metricOf } from '../support/metrics';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * docker-compose.yml without Docker (the machine has no engine). The file is read as Compose reads
 * it (YAML merge keys, `$$` for a literal `$`) and checked for what docs/deploy.md promises: the
 * services, their wiring and health checks. Then its nginx configuration, as written there, runs in
 * front of two real instances sharing a database and a Redis: rigs and browsers connect through it
 * over WebSocket, and when the instance they were sent to is killed, nginx moves them to the other.
 */
const NGINX = '/usr/sbin/nginx';
const nginxAvailable = existsSync(NGINX);
const adminUrl = inject('pgAdminUrl');
if (!nginxAvailable || !redisAvailable)
  console.warn(
    '\n[compose-stack] no nginx or redis-server (apt-get install nginx redis-server): skipping the live proxy test.\n',
  );

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  ports?: string[];
  configs?: { source: string; target: string }[];
}
const compose = parse(readFileSync(resolve(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  configs: Record<string, { content: string }>;
};
const API_SERVICES = ['api-1', 'api-2'];
/** The proxy's configuration as nginx receives it: Compose turns `$$` into `$`. */
const nginxConf = compose.configs.nginx.content.replaceAll('$$', '$');

const dependencies = (service: ComposeService): string[] =>
  Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});

describe('docker-compose.yml', () => {
  it('runs TimescaleDB, Redis and two API instances behind nginx', () => {
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(['api-1', 'api-2', 'proxy', 'redis', 'timescaledb']);
    expect(services.timescaledb.image).toMatch(/^timescale\/timescaledb:/);
    expect(services.redis.image).toMatch(/^redis:/);
    expect(services.proxy.image).toMatch(/^nginx:/);
    expect(services.proxy.ports).toEqual(['8080:80']);
    expect(services.proxy.configs).toEqual([{ source: 'nginx', target: '/etc/nginx/conf.d/default.conf' }]);
    for (const [name, service] of Object.entries(services))
      for (const needed of dependencies(service))
        expect(services, `${name} depends on ${needed}`).toHaveProperty(needed);
  });

  it("points both instances at the compose's database and Redis, and checks them by /ready", () => {
    const db = compose.services.timescaledb.environment!;
    for (const name of API_SERVICES) {
      const api = compose.services[name];
      expect(existsSync(resolve(REPO_ROOT, api.build!.context, api.build!.dockerfile))).toBe(true);
      const env = api.environment!;
      const database = new URL(env.DATABASE_URL);
      expect([database.hostname, database.port, database.pathname]).toEqual([
        'timescaledb',
        '5432',
        `/${db.POSTGRES_DB}`,
      ]);
      expect(decodeURIComponent(database.password)).toBe(db.POSTGRES_PASSWORD);
      expect(new URL(env.REDIS_URL).hostname).toBe('redis');
      expect(api.depends_on).toMatchObject({ timescaledb: { condition: 'service_healthy' } });
      expect(JSON.stringify(api.healthcheck!.test)).toContain(`http://127.0.0.1:${env.PORT}/api/v1/ready`);
    }
  });

  it("sends the proxy's upstream to both instances and hides /metrics", () => {
    const servers = [...nginxConf.matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((m) => m[1]);
    expect(servers).toEqual(
      API_SERVICES.map((name) => `${name}:${compose.services[name].environment!.PORT}`),
    );
    expect(nginxConf).toMatch(/location = \/metrics \{ return 404; \}/);
  });
});

/** The compose file's nginx configuration with the instances' and its own loopback ports, in a prefix of its own. */
function writeNginxConfig(dir: string, listenPort: number, apiPorts: number[]): string {
  let conf = nginxConf.replace(/listen 80;/, `listen 127.0.0.1:${listenPort};`);
  API_SERVICES.forEach((name, i) => {
    conf = conf.replace(`server ${name}:3000`, `server 127.0.0.1:${apiPorts[i]}`);
  });
  // Nothing may be left pointing at the compose network: else this would test another configuration.
  expect(conf).not.toMatch(/api-\d:|listen 80;/);
  const temp = join(dir, 'temp');
  mkdirSync(temp, { mode: 0o777 });
  chmodSync(temp, 0o777);
  writeFileSync(join(dir, 'default.conf'), conf);
  const main = join(dir, 'nginx.conf');
  writeFileSync(
    main,
    [
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${temp}/${k};`),
      `  include ${join(dir, 'default.conf')};`,
      '}',
    ].join('\n'),
  );
  return main;
}

const T0 = Date.UTC(2026, 8, 1);
const samples = (from: number, to: number): WireSample[] =>
  Array.from({ length: to - from }, (_, i) => ({
    seq: from + i,
    ts: T0 + (from + i) * 1000,
    voltageV: 3.6 + 0.3 * Math.sin((from + i) / 200),
    currentA: 0.002,
    temperatureC: 25,
  }));

describe.skipIf(!nginxAvailable || !adminUrl || !redisAvailable)(
  "the compose file's nginx in front of two real instances",
  () => {
    const CELL = 'compose-1';
    let db: TestDatabase;
    let redis: RedisServer;
    let nginx: ChildProcess | null = null;
    let dir = '';
    let proxyUrl = '';
    const apis: ApiProcess[] = [];
    const clients: { close(): void }[] = [];

    beforeAll(async () => {
      db = await createTestDatabase(adminUrl);
      redis = await RedisServer.start();
      const env = (id: string) => ({
        DATABASE_URL: db.url!,
        REDIS_URL: redis.url,
        ADMIN_TOKEN,
        INSTANCE_ID: id,
        LEASE_TTL_MS: '2000',
        OWNERSHIP_POLL_MS: '100',
      });
      for (const id of ['compose-a', 'compose-b'])
        apis.push(await startApiProcess(env(id), await freePort()));
      dir = mkdtempSync(join(tmpdir(), 'twin-nginx-'));
      chmodSync(dir, 0o755);
      const port = await freePort();
      const conf = writeNginxConfig(
        dir,
        port,
        apis.map((api) => Number(new URL(api.url).port)),
      );
      nginx = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
        stdio: 'ignore',
      });
      await eventually(
        () => portOpen(port),
        (up) => up,
        10_000,
      );
      proxyUrl = `http://127.0.0.1:${port}`;
    });
    afterAll(async () => {
      clients.forEach((c) => c.close());
      nginx?.kill('SIGQUIT');
      for (const api of apis) api.child.kill('SIGKILL');
      await redis?.stop();
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('serves the API through the proxy and answers /metrics only on the instances themselves', async () => {
      expect((await fetch(`${proxyUrl}/api/v1/ready`)).status).toBe(200);
      expect((await fetch(`${proxyUrl}/metrics`)).status).toBe(404);
      expect((await fetch(`${apis[0].url}/metrics`)).status).toBe(200);
      expect((await apiCall(proxyUrl, 'POST', '/cells', sampleCell(CELL))).status).toBe(201);
    });

    it('carries a rig and a browser over WebSocket, and moves both to the other instance when theirs is killed', async () => {
      const seen: number[] = [];
      const browser: Socket = io(`${proxyUrl}/live`, {
        auth: { token: ADMIN_TOKEN },
        transports: ['websocket'],
        reconnectionDelay: 200,
        reconnectionDelayMax: 1000,
      });
      clients.push(browser);
      // A browser joins its rooms again on every connect, as the dashboard does.
      browser.on('connect', () => void browser.emitWithAck('subscribe', { cellId: CELL }));
      browser.on('twin', (state: { cellId: string; seq: number }) => {
        if (state.cellId === CELL) seen.push(state.seq);
      });
      const rig = new RigConnection(proxyUrl, ADMIN_TOKEN);
      clients.push(rig);
      await eventually(
        async () => browser.connected && rig.socket.connected,
        (both) => both,
        10_000,
      );
      /** Streams seqs [from, to) in batches of 50 until all are acked and the browser has the last state. */
      const stream = async (from: number, to: number, timeoutMs: number) => {
        for (let seq = from; seq < to; seq += 50) rig.send(CELL, samples(seq, seq + 50));
        expect(await rig.drain(timeoutMs)).toBe(true);
        await eventually(
          async () => seen.at(-1),
          (last) => last === to - 1,
          timeoutMs,
        );
      };
      await stream(0, 1000, 30_000);

      // ip_hash sends every client of one address to one instance: find it through its metrics.
      const clientsOn = async (api: ApiProcess) => ({
        rigs: await metricOf(api.url, 'twin_rig_connections'),
        browsers: await metricOf(api.url, 'twin_live_clients'),
      });
      const before = await Promise.all(apis.map(clientsOn));
      expect(before.map((c) => c.rigs + c.browsers).sort()).toEqual([0, 2]);
      const serving = apis[before[0].rigs === 1 ? 0 : 1];
      const survivor = apis.find((api) => api !== serving)!;
      serving.child.kill('SIGKILL');
      expect(await serving.stopped).toBeNull();

      await stream(1000, 2000, 60_000);
      expect(await clientsOn(survivor)).toEqual({ rigs: 1, browsers: 1 });
      const seqs = await storedSeqs(proxyUrl, CELL);
      expect(seqs).toHaveLength(2000);
      expect(new Set(seqs).size).toBe(2000);
      expect(survivor.output()).toMatch(/took over compose-1; resuming its twin/);
    }, 120_000);
  },
);
