/**
 * Loaded into `argus serve` by the soak (bench/soak.ts, `node --expose-gc --import …/soak-probe`): answers each
 * `argus-soak:sample` message on the IPC channel with the process's memory after a full GC (when `--expose-gc` is
 * given), so the soak reads the V8 heap from outside without any route of the service exposing it. Inert without an
 * IPC channel; never keeps the process alive.
 */
const SAMPLE = 'argus-soak:sample';

if (process.send && process.channel) {
  process.on('message', (m: unknown) => {
    if (m !== SAMPLE) return;
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    process.send?.({ type: 'argus-soak:memory', ...mem, activeResources: process.getActiveResourcesInfo().length });
  });
  // The listener refs the channel: unref it, so the service still exits when it is told to stop.
  process.channel.unref();
}

export {};
