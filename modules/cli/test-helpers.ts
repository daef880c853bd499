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

/** An OpenAI chat completion answering `ok`, for the scripted upstream of a serve test. */
export const OK_COMPLETION = {
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

/** The one target of a serve test's config: OpenAI-compatible at `upstreamUrl`, alias `chat`, key `${KEY}`. */
export function upstreamTarget(upstreamUrl: string) {
  return {
    id: 'a',
    provider: 'openai',
    model: 'm-a',
    apiKey: '${KEY}',
    baseURL: `${upstreamUrl}/v1`,
    aliases: ['chat'],
  };
}
