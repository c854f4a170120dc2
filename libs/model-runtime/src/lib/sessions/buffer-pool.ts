/**
 * Spare ArrayBuffers by exact size, for the batch tensors built on every run. A fresh buffer of megabytes costs
 * more than filling it: the allocator maps new pages for it and the kernel faults each one in on first write, and
 * freeing it unmaps them again. Buffers that come back from the session's worker thread are kept here for the next
 * batch of the same size instead. Bounded, so that an unusual mix of batch sizes cannot hold memory for long.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private heldBytes = 0;

  /** `perSize` spare buffers of one size at most, `maxBytes` in all. */
  constructor(
    private readonly perSize = 2,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** A buffer of exactly `bytes` bytes: a spare one (its contents are stale) or a new one. */
  take(bytes: number): ArrayBuffer {
    const spare = this.free.get(bytes)?.pop();
    if (spare) {
      this.heldBytes -= bytes;
      return spare;
    }
    return new ArrayBuffer(bytes);
  }

  /** Keeps `buffer` for a later `take`, unless that would go over the bounds (or it was moved away). */
  give(buffer: ArrayBuffer): void {
    const bytes = buffer.byteLength;
    if (bytes === 0 || this.heldBytes + bytes > this.maxBytes) return;
    const list = this.free.get(bytes) ?? [];
    if (list.length >= this.perSize) return;
    list.push(buffer);
    this.free.set(bytes, list);
    this.heldBytes += bytes;
  }

  /** Bytes held in spare buffers now. */
  get held(): number {
    return this.heldBytes;
  }
}
