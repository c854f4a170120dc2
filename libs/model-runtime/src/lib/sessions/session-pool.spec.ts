import * as ort from 'onnxruntime-node';
import type { TensorMap } from '../batching/dynamic-batcher';
import { SessionPool } from './session-pool';
import type { RunnableSession } from './worker-session';

/** A session that answers after `ms`, recording which instance ran and how many ran at once. */
function slowSession(name: string, ms: number, log: { name: string; concurrent: number }[], state: { running: number }): RunnableSession {
  return {
    inputNames: ['input'],
    outputNames: ['output'],
    async run(feeds: TensorMap) {
      state.running += 1;
      log.push({ name, concurrent: state.running });
      await new Promise((resolve) => setTimeout(resolve, ms));
      state.running -= 1;
      return { output: feeds.input };
    },
    release: async () => undefined,
  };
}

const feed = (value: number): TensorMap => ({ input: new ort.Tensor('float32', new Float32Array([value]), [1, 1]) });

describe('SessionPool', () => {
  it('runs on every instance at once, and queues runs beyond them until one is free', async () => {
    const log: { name: string; concurrent: number }[] = [];
    const state = { running: 0 };
    const pool = new SessionPool([slowSession('a', 40, log, state), slowSession('b', 40, log, state)]);
    const outputs = await Promise.all([1, 2, 3, 4, 5].map((v) => pool.run(feed(v))));
    expect(outputs.map((o) => o.output.data[0])).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...log.map((l) => l.concurrent))).toBe(2);
    expect(new Set(log.slice(0, 2).map((l) => l.name))).toEqual(new Set(['a', 'b']));
    expect(log).toHaveLength(5);
  });

  it('returns an instance whose run failed to the pool', async () => {
    let calls = 0;
    const flaky: RunnableSession = {
      inputNames: ['input'],
      outputNames: ['output'],
      run: async (feeds) => {
        calls += 1;
        if (calls === 1) throw new Error('bad input');
        return { output: feeds.input };
      },
      release: async () => undefined,
    };
    const pool = new SessionPool([flaky]);
    await expect(pool.run(feed(1))).rejects.toThrow('bad input');
    expect((await pool.run(feed(2))).output.data[0]).toBe(2);
  });

  it('gives a run that has the pool to itself to the solo instance, and runs side by side to the others', async () => {
    const log: { name: string; concurrent: number }[] = [];
    const state = { running: 0 };
    const pool = new SessionPool([slowSession('a', 30, log, state), slowSession('b', 30, log, state)], { solo: slowSession('solo', 30, log, state) });
    expect(pool.size).toBe(2);
    expect(pool.sessions).toHaveLength(3);
    await pool.run(feed(1));
    await pool.run(feed(2));
    expect(log.map((l) => l.name)).toEqual(['solo', 'solo']);
    log.length = 0;
    const outputs = await Promise.all([1, 2, 3, 4].map((v) => pool.run(feed(v))));
    expect(outputs.map((o) => o.output.data[0])).toEqual([1, 2, 3, 4]);
    // The first finds everything idle; the next go to the one-core instances, never a second run on the solo one.
    expect(log[0].name).toBe('solo');
    expect(log.slice(1).every((l) => l.name !== 'solo')).toBe(true);
    expect(Math.max(...log.map((l) => l.concurrent))).toBe(3);
    // A batch the batcher says is not alone (others queued behind it) never takes the solo instance.
    log.length = 0;
    await pool.runBatch(feed(5), { owned: false, alone: false });
    await pool.runBatch(feed(6), { owned: false, alone: true });
    expect(log.map((l) => l.name)).toEqual([expect.stringMatching(/^[ab]$/), 'solo']);
  });
});
