/** Signals the CLI handles. */
export type CliSignal = 'SIGHUP' | 'SIGTERM' | 'SIGINT';

/**
 * What the CLI needs of its process, so that tests can run it in-process: output, environment,
 * working directory and signals.
 */
export interface CliIo {
  /** Writes to standard output (results of `check`, `help`). */
  stdout(text: string): void;
  /** Writes to standard error (logs, usage, errors). */
  stderr(text: string): void;
  /** Environment variables (`${VAR}` in the config file). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths are resolved. */
  readonly cwd: string;
  /** Calls `listener` on `signal`; returns a function that removes it. */
  onSignal(signal: CliSignal, listener: () => void): () => void;
}

/** The real process's {@link CliIo}. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    onSignal(signal, listener) {
      process.on(signal, listener);
      return () => process.off(signal, listener);
    },
  };
}
