import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

export interface ApiProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stopped: Promise<number | null>;
}

export interface ApiProcessOptions {
  /**
   * Start the service in a session of its own (setsid). Linux's autogroup scheduler shares the CPU
   * between sessions first: a service in its parent's session competes, as one group, with everything
   * else that session starts (a benchmark's load generators), while each PostgreSQL backend is a
   * session, and so a group, of its own. Deployed, the service has its own unit or container.
   */
  ownSession?: boolean;
}

/** Runs the built service (dist/api.mjs) as a real process, as `npm start` does. */
export async function startApiProcess(
  env: Record<string, string>,
  port: number,
  options: ApiProcessOptions = {},
): Promise<ApiProcess> {
  // API_NODE_ARGS lets a benchmark run the service under e.g. --cpu-prof without touching the code.
  const nodeArgs = process.env.API_NODE_ARGS ? process.env.API_NODE_ARGS.split(' ') : [];
  // The same V8 flags as `npm start` and the image (docs/deploy.md › Node flags).
  const serviceFlags = ['--max-semi-space-size=64'];
  const child = spawn(
    process.execPath,
    [...serviceFlags, ...nodeArgs, resolve(REPO_ROOT, 'dist', 'api.mjs')],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.ownSession ?? false,
    },
  );
  if (options.ownSession) {
    // Outside our session a signal to it no longer reaches the service: stop it when we exit.
    const stop = () => child.kill('SIGKILL');
    process.once('exit', stop);
    child.once('exit', () => process.off('exit', stop));
  }
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // API_OUTPUT_DIR keeps each instance's output (e.g. with API_NODE_ARGS=--trace-gc) for diagnosis.
  if (process.env.API_OUTPUT_DIR) {
    const file = createWriteStream(join(process.env.API_OUTPUT_DIR, `api-${port}.log`));
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
  }
  const stopped = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`api exited early:\n${out}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`api did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url, output: () => out, stopped };
}
