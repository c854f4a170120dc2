import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** The CPU limit of this process's cgroup in cores (v2 `cpu.max`, or v1's quota over period), if it has one. */
export function cgroupCpuLimit(read: (file: string) => string = (file) => readFileSync(file, 'utf8')): number | undefined {
  const attempt = (f: () => number | undefined) => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const v2 = attempt(() => {
    const [quota, period] = read('/sys/fs/cgroup/cpu.max').trim().split(/\s+/);
    return quota === 'max' ? undefined : Number(quota) / Number(period);
  });
  const v1 = attempt(() => {
    const quota = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us').trim());
    return quota > 0 ? quota / Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us').trim()) : undefined;
  });
  const limit = v2 ?? v1;
  return limit !== undefined && Number.isFinite(limit) && limit > 0 ? limit : undefined;
}

/**
 * Cores this process can use: the cores it may run on, or fewer under a container's CPU limit (a Kubernetes
 * `limits.cpu`), rounded up. Node's availableParallelism() alone sees every core of the node.
 */
export function usableCores(): number {
  const cores = availableParallelism();
  const limit = cgroupCpuLimit();
  return limit === undefined ? cores : Math.max(1, Math.min(cores, Math.ceil(limit)));
}
