/**
 * The real `switchyard-llm` process (modules/cli/bin.ts through tsx): serve a config file, answer
 * a call, reload on SIGHUP without dropping a call in flight, refuse a broken config while
 * serving the old one, stop on SIGTERM with exit code 0. Every wait is bounded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedServer } from '../adapter-kit/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const UPSTREAM_KEY = 'sk-upstream-e2e-0123456789abcdef';
const MASTER_KEY = 'mk-gateway-e2e-0123456789abcdef';
const WAIT_MS = 30_000;

type LogLine = { level: string; event: string } & Record<string, unknown>;

/** A spawned CLI: its JSON log lines, raw stderr, and its exit. */
class Cli {
  readonly lines: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  #waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.stderr!.setEncoding('utf8');
    let partial = '';
    child.stderr!.on('data', (chunk: string) => {
      this.stderr += chunk;
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part) as LogLine);
        } catch {
          // not a log line (a Node warning): kept in `stderr` only
        }
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    child.stdout!.resume();
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The first log line with `event` after the first `after` lines; rejects after WAIT_MS. */
  waitFor(event: string, after = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no '${event}' log line within ${WAIT_MS} ms; stderr:\n${this.stderr}`)),
        WAIT_MS,
      );
      const check = () => {
        const line = this.lines.slice(after).find((l) => l.event === event);
        if (line) {
          clearTimeout(timer);
          resolve(line);
        } else {
          this.#waiters.push(check);
        }
      };
      check();
    });
  }

  /** The exit code; rejects after WAIT_MS. */
  exitCode(): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => reject(new Error(`no exit within ${WAIT_MS} ms`)), WAIT_MS).unref(),
      ),
    ]);
  }
}

let dir: string;
let upstream: ScriptedServer;
let cli: Cli | undefined;
/** Releases the upstream's held `slow-model` answers. */
let releaseSlow: () => void;
let slowArrived: Promise<void>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-cli-e2e-'));
  upstream = await ScriptedServer.start();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  releaseSlow = release;
  let arrived!: () => void;
  slowArrived = new Promise<void>((resolve) => (arrived = resolve));
  // Answers "from <model>"; `slow-model` waits for releaseSlow().
  upstream.setDefault(async (req, res: ServerResponse) => {
    const model = (req.body as { model: string }).model;
    if (model === 'slow-model') {
      arrived();
      await released;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-up',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: `from ${model}` }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      }),
    );
  });
});

afterEach(async () => {
  releaseSlow();
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
  cli = undefined;
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = (id: string, model: string, aliases: string[]) => ({
  id,
  provider: 'openai',
  model,
  apiKey: '${UPSTREAM_KEY}',
  baseURL: `${upstream.url}/v1`,
  aliases,
});

function writeConfig(file: string, config: unknown): string {
  const path = join(dir, file);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return path;
}

function start(configPath: string): Cli {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'modules', 'cli', 'bin.ts'),
      'serve',
      '--config',
      configPath,
      '--port',
      '0',
    ],
    {
      // `--import tsx` resolves from the working directory.
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', UPSTREAM_KEY, MASTER_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cli = new Cli(child);
  return cli;
}

async function chat(
  url: string,
  model: string,
  key = MASTER_KEY,
): Promise<{ status: number; text?: string }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const body = (await res.json()) as { choices?: Array<{ message: { content: string } }> };
  return { status: res.status, text: body.choices?.[0]?.message.content };
}

async function models(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/models`, {
    headers: { authorization: `Bearer ${MASTER_KEY}` },
    signal: AbortSignal.timeout(WAIT_MS),
  });
  return ((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
}

describe('switchyard-llm serve (a real process)', () => {
  it('serves, reloads on SIGHUP without dropping a call in flight, keeps serving on a broken config, stops on SIGTERM', async () => {
    const base = {
      retry: { maxAttempts: 1 },
      gateway: { host: '127.0.0.1', masterKey: '${MASTER_KEY}', shutdownGraceMs: 5000 },
    };
    const path = writeConfig('switchyard.config.json', {
      ...base,
      targets: [target('fast', 'fast-model', ['chat']), target('slow', 'slow-model', ['slow'])],
    });
    const proc = start(path);
    const listening = await proc.waitFor('listening');
    const url = String(listening.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening.models).toEqual(['chat', 'slow', 'fast-model', 'slow-model']);

    expect(await chat(url, 'chat')).toEqual({ status: 200, text: 'from fast-model' });
    expect((await chat(url, 'chat', 'wrong-key-0123456789')).status).toBe(401);
    expect(upstream.last.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);

    // A call in flight on the first router…
    const inFlight = chat(url, 'slow');
    await slowArrived;

    // …while the config gains a target and an alias, and SIGHUP reloads it.
    writeConfig('switchyard.config.json', {
      ...base,
      targets: [
        target('fast', 'fast-model', ['chat']),
        target('slow', 'slow-model', ['slow']),
        target('fresh', 'fresh-model', ['fresh']),
      ],
    });
    let mark = proc.lines.length;
    proc.child.kill('SIGHUP');
    const reloaded = await proc.waitFor('reloaded', mark);
    expect(reloaded).toMatchObject({ targets: 3, draining: 1 });
    expect(await models(url)).toContain('fresh');
    expect(await chat(url, 'fresh')).toEqual({ status: 200, text: 'from fresh-model' });

    // The call started before the reload finishes on the old router, which is closed after it.
    releaseSlow();
    expect(await inFlight).toEqual({ status: 200, text: 'from slow-model' });
    await proc.waitFor('previous_router_closed', mark);

    // A broken config (a typo and a missing variable) is refused; the current one keeps serving.
    writeConfig('switchyard.config.json', {
      ...base,
      targets: [{ ...target('fast', 'fast-model', ['chat']), wieght: 2 }],
    });
    mark = proc.lines.length;
    proc.child.kill('SIGHUP');
    const refused = await proc.waitFor('reload_failed', mark);
    expect(refused).toMatchObject({ level: 'error', message: 'config: targets[0].wieght: unknown key' });
    writeConfig('switchyard.config.json', {
      ...base,
      targets: [target('x', 'x-model', ['x'])],
      oops: '${NOPE}',
    });
    mark = proc.lines.length;
    proc.child.kill('SIGHUP');
    expect((await proc.waitFor('reload_failed', mark)).message).toBe(
      'config: oops: the environment variable NOPE is not set',
    );
    expect(await models(url)).toContain('fresh');
    expect(await chat(url, 'fresh')).toEqual({ status: 200, text: 'from fresh-model' });

    // SIGTERM: a graceful stop and exit code 0.
    mark = proc.lines.length;
    proc.child.kill('SIGTERM');
    expect(await proc.exitCode()).toBe(0);
    await proc.waitFor('stopped', mark);

    // One JSON line per event, and no secret anywhere.
    expect(proc.lines.length).toBeGreaterThan(5);
    expect(proc.stderr).not.toContain(UPSTREAM_KEY);
    expect(proc.stderr).not.toContain(MASTER_KEY);
  }, 120_000);

  it('a config that cannot start is a startup_failed line naming the problem, and exit code 1', async () => {
    const path = writeConfig('bad.json', { targets: [target('a', 'a-model', ['chat'])] });
    const { UPSTREAM_KEY: _missing, ...env } = { UPSTREAM_KEY };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'modules', 'cli', 'bin.ts'), 'serve', '--config', path],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cli = new Cli(child);
    expect(await cli.exitCode()).toBe(1);
    const failed = await cli.waitFor('startup_failed');
    expect(failed.message).toBe(
      'config: targets[0].apiKey: the environment variable UPSTREAM_KEY is not set',
    );
  }, 60_000);
});
