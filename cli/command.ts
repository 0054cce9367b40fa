/** The shape of a `paved` subcommand. Each lives in cli/commands/<name>.ts and is loaded on demand. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Print `paved: <message>` and the usage hint; returns exit code 2. */
  usageError(message: string): number;
  /** Whether stdin is a terminal (for prompts). */
  interactive: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code: 0 success, 1 failure, 2 usage or input error. */
  run(args: string[], io: CliIo): Promise<number>;
}
