import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Subject } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CellLeaseRepository } from './cell-lease.repository';

/** Twin work the owner must do that did not come through its own ingest. */
export interface CatchUpWork {
  cellId: string;
  /** Lowest seq committed elsewhere, or null for "load from the checkpoint and step everything". */
  fromSeq: number | null;
}

const ORPHANS_PER_SWEEP = 1_000;
/**
 * Share of LEASE_TTL_MS after a confirmation during which the lease is taken as surely ours without
 * asking the database; the rest covers the two clocks' rates and a statement's time on the wire.
 */
const SURE_SHARE_OF_TTL = 0.8;

/**
 * Decides which instance advances each cell's twin (issue #10): one lease per cell in the
 * database, renewed every third of its TTL. An instance takes a cell when ingest for it first
 * arrives, when its lease has expired (the holder died) and at start-up; it loses it when a renewal
 * finds it gone. Samples another instance committed for a cell are announced in `twin_pending`
 * by the insert itself and reach the owner here as catch-up work.
 */
@Injectable()
export class CellOwnershipService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ownership');
  /**
   * The leases this instance holds, each with performance.now() just before the statement that last
   * claimed or renewed it: the database set its expiry to its own now() + TTL, no earlier than this.
   */
  private readonly owned = new Map<string, number>();
  /** Cells another live instance holds: not asked for again until this time (ms). */
  private readonly heldElsewhereUntil = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Claims and renewals run one at a time, so `owned` always matches what the last one saw. */
  private leaseWork: Promise<unknown> = Promise.resolve();
  private renewing = false;
  private polling = false;
  private stopped = false;
  private lastProblem = '';
  /** Catch-up the twin queue must run, in the order announced. */
  readonly work$ = new Subject<CatchUpWork>();
  /** Cells whose lease this instance no longer holds: drop their twins. */
  readonly lost$ = new Subject<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly leases: CellLeaseRepository,
  ) {}

  get instanceId(): string {
    return this.config.instanceId;
  }

  get ownedCount(): number {
    return this.owned.size;
  }

  owns(cellId: string): boolean {
    return this.owned.has(cellId);
  }

  ownedCells(): string[] {
    return [...this.owned.keys()];
  }

  /**
   * True while this instance's lease of the cell cannot have expired, so nobody can have taken it:
   * the writer then skips asking the database who holds the cell after a commit. False once a
   * renewal is overdue (e.g. the database is unreachable), and the writer asks again.
   */
  surelyHolds(cellId: string): boolean {
    const at = this.owned.get(cellId);
    return at !== undefined && performance.now() - at < this.config.leaseTtlMs * SURE_SHARE_OF_TTL;
  }

  onModuleInit(): void {
    const renewEveryMs = Math.max(100, Math.floor(this.config.leaseTtlMs / 3));
    this.timers.push(
      setInterval(() => void this.renewAndSweep(), renewEveryMs),
      setInterval(() => void this.pollPending(), this.config.ownershipPollMs),
    );
    for (const t of this.timers) t.unref();
  }

  onModuleDestroy(): void {
    this.stopTimers();
  }

  /**
   * Takes the cells that are free before their samples are written (ingest calls this per batch).
   * A cell held by a live instance is remembered for a while, so a batch costs no query for it.
   */
  async acquire(cellIds: Iterable<string>): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const wanted: string[] = [];
    for (const cellId of cellIds) {
      if (this.owned.has(cellId) || (this.heldElsewhereUntil.get(cellId) ?? 0) > now) continue;
      wanted.push(cellId);
    }
    if (wanted.length === 0) return;
    await this.exclusive(async () => {
      const sentAt = performance.now();
      const claimed = new Set(await this.leases.claim(this.instanceId, wanted, this.config.leaseTtlMs));
      const askAgainAt = Date.now() + this.config.leaseTtlMs / 3;
      for (const cellId of wanted) {
        if (claimed.has(cellId)) {
          this.owned.set(cellId, sentAt);
          this.heldElsewhereUntil.delete(cellId);
        } else {
          this.heldElsewhereUntil.set(cellId, askAgainAt);
        }
      }
    });
  }

  /** Start-up: takes every listed cell that nobody else holds; returns those now ours. */
  async claimAtStart(cellIds: readonly string[]): Promise<string[]> {
    return this.exclusive(async () => {
      const sentAt = performance.now();
      const claimed = await this.leases.claim(this.instanceId, cellIds, this.config.leaseTtlMs);
      for (const cellId of claimed) this.owned.set(cellId, sentAt);
      return claimed;
    });
  }

  /** Graceful shutdown, after the last checkpoint: the cells go to the others without waiting for expiry. */
  async releaseAll(): Promise<void> {
    this.stopTimers();
    await this.exclusive(async () => {
      if (this.owned.size === 0) return;
      // No longer surely ours: a write still committing asks the database again.
      for (const cellId of this.owned.keys()) this.owned.set(cellId, -Infinity);
      await this.leases.release(this.instanceId);
      this.owned.clear();
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.leaseWork.then(work);
    this.leaseWork = result.catch(() => undefined);
    return result;
  }

  private stopTimers(): void {
    this.stopped = true;
    this.timers.splice(0).forEach((t) => clearInterval(t));
  }

  private async renewAndSweep(): Promise<void> {
    if (this.renewing || this.stopped) return;
    this.renewing = true;
    try {
      await this.exclusive(() => this.renewHeld());
    } catch (error) {
      this.report(`lease renewal failed: ${(error as Error).message}`);
    } finally {
      this.renewing = false;
    }
  }

  private async renewHeld(): Promise<void> {
    const renewedAt = performance.now();
    const held = new Set(await this.leases.renew(this.instanceId, this.config.leaseTtlMs));
    for (const cellId of [...this.owned.keys()]) {
      if (held.has(cellId)) continue;
      this.owned.delete(cellId);
      this.logger.warn(`lost the lease of ${cellId}; another instance advances it now`);
      this.lost$.next(cellId);
    }
    const orphans = await this.leases.orphans(ORPHANS_PER_SWEEP);
    const claimedAt = performance.now();
    const taken = await this.leases.claim(this.instanceId, orphans, this.config.leaseTtlMs);
    for (const cellId of held) this.gain(cellId, renewedAt);
    for (const cellId of taken) this.gain(cellId, claimedAt);
    this.lastProblem = '';
  }

  /** Records a confirmed lease; one not held before is a take-over, resumed from its checkpoint. */
  private gain(cellId: string, confirmedAtMs: number): void {
    const known = this.owned.has(cellId);
    this.owned.set(cellId, confirmedAtMs);
    if (known) return;
    this.heldElsewhereUntil.delete(cellId);
    this.logger.log(`took over ${cellId}; resuming its twin from the newest checkpoint`);
    this.work$.next({ cellId, fromSeq: null });
  }

  private async pollPending(): Promise<void> {
    if (this.polling || this.stopped || this.owned.size === 0) return;
    this.polling = true;
    try {
      for (const { cellId, minSeq } of await this.leases.takePending(this.instanceId, [
        ...this.owned.keys(),
      ])) {
        this.work$.next({ cellId, fromSeq: minSeq });
      }
    } catch (error) {
      this.report(`pending poll failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /** One line per distinct problem: a database outage must not flood the log every 250 ms. */
  private report(problem: string): void {
    if (problem === this.lastProblem) return;
    this.lastProblem = problem;
    this.logger.warn(problem);
  }
}
