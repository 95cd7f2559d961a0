import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from './api-process';
import { portOpen } from './bus-test-kit';

const REDIS = '/usr/bin/redis-server';
export const redisAvailable = existsSync(REDIS);

/**
 * A throw-away Redis on its own port: the socket.io adapter's channels are the same names in every
 * run, so instances of two test files on the machine's shared Redis would see each other's rooms.
 * `stop` and `start` again keep the port, as an outage does.
 */
export class RedisServer {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = spawn(REDIS, args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await portOpen(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise((done) => {
      child.once('exit', done);
      child.kill('SIGKILL');
    });
  }
}
