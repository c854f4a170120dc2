import type { TensorMap } from '../batching/dynamic-batcher';

/**
 * A stand-in accelerator: each batch occupies its instance for `perBatchMs + perItemMs × rows` milliseconds, held by a
 * timer, so the time passes without using a CPU. The real session still runs (the answers stay real); the batch ends
 * when both the run and the hold are done. With the batcher's one batch per instance, this gives each process a fixed
 * capacity, so that adding processes adds throughput even on a machine with two cores.
 */
export interface SimulatedDevice {
  perBatchMs: number;
  perItemMs: number;
}

/** Whether a setting holds batches at all. */
export function simulatedDeviceOn(device: SimulatedDevice | undefined): device is SimulatedDevice {
  return device !== undefined && device.perBatchMs + device.perItemMs > 0;
}

/** `run` with every call held for at least the simulated device time of its batch; `run` itself when the device is off. */
export function onSimulatedDevice<Rest extends unknown[]>(
  run: (feeds: TensorMap, ...rest: Rest) => Promise<TensorMap>,
  device: SimulatedDevice | undefined,
): (feeds: TensorMap, ...rest: Rest) => Promise<TensorMap> {
  if (!simulatedDeviceOn(device)) return run;
  if (device.perBatchMs < 0 || device.perItemMs < 0) throw new Error(`simulated device times must be >= 0, got ${JSON.stringify(device)}`);
  return async (feeds, ...rest) => {
    const rows = Object.values(feeds)[0]?.dims[0] ?? 1;
    const hold = new Promise((resolve) => setTimeout(resolve, device.perBatchMs + device.perItemMs * rows));
    const [outputs] = await Promise.all([run(feeds, ...rest), hold]);
    return outputs;
  };
}
