/** A fake process for in-process `runCli` tests: captured output, an environment, signals the test raises. */
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import type { CliIo, CliSignal } from './index.js';

/** The JSON log line of an event. */
export type LogLine = { event: string; level: string } & Record<string, unknown>;

/** A fake io, its output, its parsed log lines, and a way to wait for one and raise signals. */
export function fakeIo(env: Record<string, string> = {}, cwd = tmpdir()) {
  const signals = new EventEmitter();
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    env,
    cwd,
    onSignal(signal, listener) {
      signals.on(signal, listener);
      return () => signals.off(signal, listener);
    },
  };
  const lines = (): LogLine[] =>
    out.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  /** Resolves with the first log line of `event` after `after` lines (polls; at most 15 s). */
  const waitFor = async (event: string, after = 0): Promise<LogLine> => {
    for (let i = 0; i < 1500; i++) {
      const line = lines()
        .slice(after)
        .find((l) => l.event === event);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no '${event}' within 15 s: ${out.stderr}`);
  };
  const raise = (signal: CliSignal) => signals.emit(signal);
  return { io, out, lines, waitFor, raise, listeners: () => signals.eventNames().length };
}
