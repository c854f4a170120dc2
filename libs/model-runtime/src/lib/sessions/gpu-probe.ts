import { execFile } from 'node:child_process';
import type { GpuStatus } from '@ai/contracts';

export interface GpuProbeOptions {
  /** The nvidia-smi binary; default `nvidia-smi` on PATH. */
  command?: string;
  /** Give up after this long; default 2000 ms. */
  timeoutMs?: number;
}

const QUERY = 'index,name,utilization.gpu,memory.used,memory.total';

/** Parses `nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseNvidiaSmiCsv(csv: string): GpuStatus[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [index, name, utilization, used, total] = line.split(',').map((part) => part.trim());
      return {
        index: Number(index),
        name,
        utilizationPercent: Number(utilization) || 0,
        memoryUsedMiB: Number(used) || 0,
        memoryTotalMiB: Number(total) || 0,
      };
    })
    .filter((gpu) => Number.isInteger(gpu.index));
}

/**
 * Utilisation and memory of every GPU, from nvidia-smi; undefined when nvidia-smi is absent or fails (CPU-only
 * hosts), so callers can simply leave the field out.
 */
export function probeGpus(options: GpuProbeOptions = {}): Promise<GpuStatus[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      options.command ?? 'nvidia-smi',
      [`--query-gpu=${QUERY}`, '--format=csv,noheader,nounits'],
      { timeout: options.timeoutMs ?? 2_000, windowsHide: true },
      (error, stdout) => resolve(error ? undefined : parseNvidiaSmiCsv(stdout)),
    );
  });
}
