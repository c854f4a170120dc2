import { cgroupCpuLimit, usableCores } from './usable-cores';

const files = (map: Record<string, string>) => (file: string) => {
  if (!(file in map)) throw new Error(`ENOENT ${file}`);
  return map[file];
};

describe('usable cores', () => {
  it('reads a cgroup v2 or v1 CPU limit, and none when unlimited or absent', () => {
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(1.5);
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '200000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }))).toBe(2);
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }))).toBeUndefined();
    expect(cgroupCpuLimit(files({}))).toBeUndefined();
  });

  it('is at least one and at most the cores this process may run on', () => {
    expect(usableCores()).toBeGreaterThanOrEqual(1);
  });
});
