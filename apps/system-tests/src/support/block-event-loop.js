// Test support, preloaded into a load tester process (NODE_OPTIONS=--require <this file>): blocks its event
// loop once, synchronously, for BLOCK_EVENT_LOOP_MS (default 200) starting BLOCK_EVENT_LOOP_AFTER_MS (default
// 4500) after the CLI prints "Running ...", i.e. in the middle of the workload's run. A tester that really falls
// behind, as a long GC pause or a synchronous chore would make it.
const blockMs = Number(process.env.BLOCK_EVENT_LOOP_MS || 200);
const afterMs = Number(process.env.BLOCK_EVENT_LOOP_AFTER_MS || 4500);
const write = process.stdout.write.bind(process.stdout);
let armed = true;
process.stdout.write = (chunk, ...rest) => {
  if (armed && String(chunk).startsWith('Running ')) {
    armed = false;
    setTimeout(() => {
      const end = Date.now() + blockMs;
      while (Date.now() < end) {
        // the event loop is blocked
      }
      write(`[block-event-loop] blocked the event loop for ${blockMs} ms\n`);
    }, afterMs);
  }
  return write(chunk, ...rest);
};
