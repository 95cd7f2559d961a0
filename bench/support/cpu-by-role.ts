import { readdirSync } from 'node:fs';
import pg from 'pg';
import { cpuSeconds } from './service-probes';
import { readOrNull } from './read-or-null';

/**
 * Where a phase's CPU went, in % of one core: the whole machine (/proc/stat), the service instances
 * (their own process CPU metric), the benchmark's PostgreSQL server (its postmaster and every process
 * it forked, from /proc) and the rig and browser processes (each reports its own). On this 2-core
 * machine the load generators share the cores with the system under test, so a latency tail reads
 * against how busy the machine was (docs/benchmarks.md › load, eighth round). Linux only: elsewhere
 * the /proc shares are NaN.
 */
export interface CpuShares {
  machinePct: number;
  servicePct: number;
  postgresPct: number;
  rigsPct: number;
  browsersPct: number;
}

interface Snapshot {
  atMs: number;
  machineTicks: number;
  serviceSeconds: number;
  postgresTicks: number;
}

/** Linux reports /proc CPU times in USER_HZ clock ticks, 100 a second on every architecture's ABI. */
const TICKS_PER_SECOND = 100;

/** Busy ticks of all CPUs since boot: user, nice, system, irq and softirq (not idle, iowait or steal). */
function machineBusyTicks(): number {
  const cpu = readOrNull('/proc/stat')?.split('\n')[0];
  if (!cpu?.startsWith('cpu ')) return NaN;
  const [user, nice, system, , , irq, softirq] = cpu.split(/\s+/).slice(1, 8).map(Number);
  return user + nice + system + irq + softirq;
}

/**
 * Parent pid, utime + stime of a process, and cutime + cstime: what its children that have exited
 * used. Null once it has gone.
 */
function processStat(pid: number): { ppid: number; ticks: number; exitedChildrenTicks: number } | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name may hold spaces and parentheses: the fields start after its last ')'.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return { ppid: fields[1], ticks: fields[11] + fields[12], exitedChildrenTicks: fields[13] + fields[14] };
}

/**
 * CPU ticks of the postmaster `postmasterPid` and of the processes it forked (backends, writers),
 * those that have exited included: a pool closing an idle connection must not take its backend's
 * CPU out of the sum.
 */
function serverTicks(postmasterPid: number): number {
  if (!Number.isFinite(postmasterPid)) return NaN;
  const postmaster = processStat(postmasterPid);
  let ticks = postmaster ? postmaster.ticks + postmaster.exitedChildrenTicks : 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = processStat(pid);
    if (stat?.ppid === postmasterPid) ticks += stat.ticks;
  }
  return ticks;
}

/** The postmaster of the server at `databaseUrl`: the parent of a backend. NaN without /proc. */
export async function postmasterPid(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return processStat(rows[0].pid)?.ppid ?? NaN;
  } finally {
    await client.end();
  }
}

export class CpuByRole {
  private constructor(
    private readonly serviceUrls: string[],
    private readonly servicePids: number[],
    private readonly postmaster: number,
  ) {}

  /**
   * The service is the instances at `serviceUrls` (their CPU metric) or, for the floor phase's bare
   * relay, the processes `servicePids` (/proc).
   */
  static async for(
    serviceUrls: string[],
    databaseUrl: string,
    servicePids: number[] = [],
  ): Promise<CpuByRole> {
    return new CpuByRole(serviceUrls, servicePids, await postmasterPid(databaseUrl).catch(() => NaN));
  }

  async snapshot(): Promise<Snapshot> {
    const service = await Promise.all(this.serviceUrls.map(cpuSeconds));
    const pids = this.servicePids.map((pid) => (processStat(pid)?.ticks ?? NaN) / TICKS_PER_SECOND);
    return {
      atMs: Date.now(),
      machineTicks: machineBusyTicks(),
      serviceSeconds: [...service, ...pids].reduce((a, b) => a + b, 0),
      postgresTicks: serverTicks(this.postmaster),
    };
  }

  /** Shares between two snapshots; the clients' CPU seconds come from their own reports. */
  static between(a: Snapshot, b: Snapshot, rigSeconds: number, browserSeconds: number): CpuShares {
    const wallSeconds = (b.atMs - a.atMs) / 1000;
    const pct = (seconds: number) => Math.round((seconds / wallSeconds) * 100);
    return {
      machinePct: pct((b.machineTicks - a.machineTicks) / TICKS_PER_SECOND),
      servicePct: pct(b.serviceSeconds - a.serviceSeconds),
      postgresPct: pct((b.postgresTicks - a.postgresTicks) / TICKS_PER_SECOND),
      rigsPct: pct(rigSeconds),
      browsersPct: pct(browserSeconds),
    };
  }
}
