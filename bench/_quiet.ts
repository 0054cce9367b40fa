/**
 * Test environments that a benchmark drives in its own process (deploys, Argo CD and registry
 * calls) mask their tokens and write debug lines as an action would: `::add-mask::<token>` and
 * `::debug::` are for a runner, and on a terminal they would only show the tokens and bury the
 * figures. A benchmark is not a step, so it drops them from its own stdout (an action run as a child
 * keeps its output, captured apart).
 */
const DROPPED = ['::add-mask::', '::debug::'];

export function dropRunnerCommands(): void {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const kept = text
      .split(/(?<=\n)/)
      .filter((line) => !DROPPED.some((prefix) => line.startsWith(prefix)))
      .join('');
    if (kept) return write(kept, ...rest);
    rest.find((arg): arg is () => void => typeof arg === 'function')?.();
    return true;
  }) as typeof process.stdout.write;
}
