/** Readable logs: groups around noisy phases, and progress lines with elapsed time during long waits. */
import { formatDuration } from './duration.js';
import { info } from './workflow-commands.js';

export { group, info, warning, notice, debug } from './workflow-commands.js';

/** A stopwatch: `elapsed()` in ms and `text()` like `1m12s`. */
export function stopwatch(now: () => number = Date.now): { elapsed(): number; text(): string } {
  const start = now();
  return {
    elapsed: () => now() - start,
    text: () => formatDuration(now() - start),
  };
}

/**
 * Print `label (elapsed)` every `intervalMs` until stopped, so a long wait never looks hung.
 * `describe` returns the current state to show, e.g. `Progressing/OutOfSync`.
 */
export function heartbeat(label: string, intervalMs: number, describe?: () => string): { stop(): void } {
  const watch = stopwatch();
  const timer = setInterval(() => {
    const state = describe ? `: ${describe()}` : '';
    info(`… ${label}${state} (${watch.text()} elapsed)`);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
