import type { CompletedLoadTest } from './load-test';

/** A run the server started: its id, how to stop it, and its outcome (undefined when it failed). */
export interface StartedRun {
  id: string;
  controller: AbortController;
  done: Promise<CompletedLoadTest | undefined>;
}

/** The server mode's one run at a time: the current (or last) run, and whether it is still going. */
export class RunSlot {
  current: StartedRun | undefined;
  inProgress = false;

  /** Aborts the run in progress, if any, and waits for it. */
  async stop(): Promise<void> {
    this.current?.controller.abort();
    await this.current?.done;
  }
}
