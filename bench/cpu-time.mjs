/**
 * Milliseconds of CPU time this process has spent (user + system). Every library counts on the
 * process's one thread, and unlike wall time this is not inflated when other processes share
 * the machine, so ratios measured side by side stay fair on a busy machine.
 */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
};

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const IDLE_CHECK_MS = 5;
/** Below this much CPU time over one check, the process's other threads count as idle. */
const IDLE_CPU_MS = 0.25;
const MAX_CHECKS = 40;

/**
 * Sleeps until the process's other threads are idle (at most 200 ms). V8 sweeps after a
 * collection and finishes compiling in background threads, and their CPU time lands in whatever
 * is timed next: after a forced collection, mostly another library's garbage. Call before starting
 * a clock.
 */
export function settle() {
  for (let check = 0; check < MAX_CHECKS; check++) {
    const before = cpuMs();
    Atomics.wait(sleeper, 0, 0, IDLE_CHECK_MS);
    if (cpuMs() - before < IDLE_CPU_MS) return;
  }
}

/** A full collection (with --expose-gc), then `settle`: the clock that starts next times only what follows. */
export function quiesce() {
  globalThis.gc?.();
  settle();
}
