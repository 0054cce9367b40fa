/**
 * The one error boundary every action runs inside: whatever is thrown becomes exactly one `::error::`
 * line and exit code 1. The stack and the `cause` chain are printed only when RUNNER_DEBUG=1, which is
 * what GitHub sets when a run is re-run with debug logging.
 */
import { describeCauseChain, messageOf } from './errors.js';

/** Escape a message for a workflow command, as the runner decodes it (%, CR, LF). */
export function escapeCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export interface ActionIo {
  write(line: string): void;
  env: NodeJS.ProcessEnv;
  setExitCode(code: number): void;
}

const processIo: ActionIo = {
  write: (line) => process.stdout.write(`${line}\n`),
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/**
 * Run an action's main function. Resolves (never rejects) once main has finished or failed.
 * Expected failures are PavedErrors; anything else is reported the same way, because a user cannot act
 * on a stack trace either.
 */
export async function runAction(main: () => Promise<void> | void, io: ActionIo = processIo): Promise<void> {
  try {
    await main();
  } catch (error) {
    reportFailure(error, io);
  }
}

/** Print the one `::error::` line (and, in debug mode, the cause chain) and set exit code 1. */
export function reportFailure(error: unknown, io: ActionIo = processIo): void {
  const debug = io.env['RUNNER_DEBUG'] === '1';
  if (debug) {
    for (const line of describeCauseChain(error, true).split('\n'))
      io.write(`::debug::${escapeCommandData(line)}`);
  }
  io.write(`::error::${escapeCommandData(messageOf(error) || 'failed with an empty error message')}`);
  io.setExitCode(1);
}
