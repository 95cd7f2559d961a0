import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { TwinApiClient } from '../api/twin-api-client';
import { FileTail } from './file-tail';
import { mapFile, type HarvestRule } from './harvest-mapping';
import { HarvestStateStore } from './harvest-state';

export interface HarvesterOptions {
  root: string;
  rules: readonly HarvestRule[];
  client: TwinApiClient;
  statePath: string;
  /** fs.stat poll period; fs.watch events only wake the loop early. */
  pollMs: number;
  settleMs: number;
  batchRows?: number;
  log: (message: string) => void;
}

/** After a failure (unknown cell, refused token, …) a file is retried this much later, not every poll. */
const ERROR_RETRY_MS = 5000;

/**
 * Watches a folder tree and feeds every mapped file to its cell. Polling with fs.stat is the source
 * of truth because recursive fs.watch misses events on Linux under Node 20; watch events only cut
 * the wait short, so a new row reaches the service within one poll period plus one request.
 */
export class Harvester {
  private readonly tails = new Map<string, FileTail>();
  private readonly ignored = new Set<string>();
  private readonly failures = new Map<string, { untilMs: number; message: string }>();
  private readonly state: HarvestStateStore;
  private watcher: FSWatcher | null = null;
  private wake: (() => void) | null = null;
  private stopping = false;
  private loopDone: Promise<void> | null = null;
  private readonly root: string;

  constructor(private readonly o: HarvesterOptions) {
    this.root = resolve(o.root);
    this.state = new HarvestStateStore(resolve(o.statePath));
  }

  async start(): Promise<void> {
    const known = await this.state.load();
    this.o.log(
      `harvesting ${this.root} (poll ${this.o.pollMs} ms, state ${this.state.path}, ${known} file(s) remembered)`,
    );
    this.watcher = this.startWatch();
    this.loopDone = this.loop();
  }

  /** Finishes the current pass, saves the state and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.watcher?.close();
    this.wake?.();
    await this.loopDone;
    await this.state.save();
    this.o.log('stopped; state saved');
  }

  private startWatch(): FSWatcher | null {
    const onEvent = () => this.wake?.();
    try {
      return watch(this.root, { recursive: true }, onEvent);
    } catch {
      try {
        return watch(this.root, onEvent);
      } catch {
        return null;
      }
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      await this.pass();
      await this.state.save();
      if (this.stopping) break;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, this.o.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          done();
        };
      });
    }
  }

  private async pass(): Promise<void> {
    for (const absPath of await this.listFiles()) {
      if (this.stopping) return;
      const tail = this.tailFor(absPath);
      if (!tail) continue;
      const failure = this.failures.get(absPath);
      if (failure && Date.now() < failure.untilMs) continue;
      try {
        await tail.poll();
        if (failure) {
          this.failures.delete(absPath);
          this.o.log(`${this.rel(absPath)}: recovered`);
        }
      } catch (error) {
        const message = (error as Error).message;
        if (failure?.message !== message)
          this.o.log(`${this.rel(absPath)}: ${message} (retrying every ${ERROR_RETRY_MS / 1000} s)`);
        this.failures.set(absPath, { untilMs: Date.now() + ERROR_RETRY_MS, message });
      }
      this.state.set(absPath, tail.state);
    }
  }

  private tailFor(absPath: string): FileTail | null {
    const existing = this.tails.get(absPath);
    if (existing) return existing;
    if (this.ignored.has(absPath)) return null;
    const relPath = this.rel(absPath);
    const mapping = mapFile(this.o.rules, relPath);
    if (!mapping) {
      this.ignored.add(absPath);
      this.o.log(`${relPath}: no mapping rule matches; ignored`);
      return null;
    }
    const tail = new FileTail({
      absPath,
      relPath,
      mapping,
      client: this.o.client,
      log: this.o.log,
      settleMs: this.o.settleMs,
      batchRows: this.o.batchRows,
      previous: this.state.get(absPath),
    });
    this.tails.set(absPath, tail);
    if (!this.state.get(absPath)) this.o.log(`${relPath}: new file → cell ${mapping.cellId}`);
    return tail;
  }

  private rel(absPath: string): string {
    return relative(this.root, absPath).split(sep).join('/');
  }

  private async listFiles(): Promise<string[]> {
    const out: string[] = [];
    const own = new Set([this.state.path, `${this.state.path}.tmp`]);
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return; // a folder removed between listing and reading
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !own.has(path)) out.push(path);
      }
    };
    await walk(this.root);
    return out.sort();
  }
}
