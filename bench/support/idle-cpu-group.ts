import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOrNull } from './read-or-null';

/**
 * A CPU cgroup with `cpu.idle` set, for bench:load's rig processes: they stand for cyclers on machines
 * of their own, and here they share the two cores with the system under test. Nice 19 was not enough:
 * two nice-19 busy loops beside a half phase took its p99 from 54 to 104 ms. The kernel runs an idle
 * group only on CPU that no other task wants, and a waking task that is not idle preempts it at once
 * (sched/fair.c, check_preempt_wakeup_fair).
 * In alternating pairs the rigs in such a group gave p99 67 / 50 / 80 ms against 93 / 68 / 95 ms at nice
 * 19 alone (docs/benchmarks.md › load, eighth round).
 *
 * Needs root and a cgroup CPU controller with `cpu.idle` (Linux 5.15+): cgroup v1's at
 * /sys/fs/cgroup/cpu, or v2's where the root already enables it for its children. Elsewhere
 * createIdleCpuGroup gives null and the rigs keep only their nice value.
 */
export interface IdleCpuGroup {
  readonly path: string;
  add(pid: number): void;
  remove(): void;
}

/**
 * Where a CPU cgroup can be made: cgroup v1's cpu hierarchy, or the unified v2 one if its root already
 * hands the cpu controller to its children. Turning that on would change how the host shares its CPU
 * among its own groups: the bench does not.
 */
function cpuHierarchyRoot(): string | null {
  if (existsSync('/sys/fs/cgroup/cpu/cpu.idle')) return '/sys/fs/cgroup/cpu';
  const enabled = readOrNull('/sys/fs/cgroup/cgroup.subtree_control')?.split(/\s+/);
  return enabled?.includes('cpu') ? '/sys/fs/cgroup' : null;
}

/** Removes the group; a process still in it, or a group never made, leaves it as it is (harmless). */
function removeQuietly(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    /* still in use, or not there */
  }
}

export function createIdleCpuGroup(name: string): IdleCpuGroup | null {
  const root = cpuHierarchyRoot();
  if (!root) return null;
  const path = join(root, name);
  try {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'cpu.idle'), '1');
  } catch {
    removeQuietly(path);
    return null;
  }
  return {
    path,
    // cgroup.procs moves every thread of the process (v1 and v2 alike).
    add: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
    remove: () => removeQuietly(path),
  };
}
