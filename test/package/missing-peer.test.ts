/**
 * The built adapters and modules without their optional peer dependency, in a fresh Node
 * process, ESM and CommonJS. Adapters: importing and constructing the adapter works, and a call
 * fails with a `config` error that says which package to install (not a raw
 * ERR_MODULE_NOT_FOUND); with the SDK linked in, the same call reaches the network. Modules
 * (`metrics`, `otel`, `monitor`, `config`): importing works, and the factory throws that `config`
 * error; with the peer linked in, the factory works and the module does its job. The
 * `switchyard-llm` executable without zod says how to get it. The package is installed in a temp
 * dir as a copy of `dist/` whose `node_modules` has the runtime dependencies but no peer.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
};

const adapters = [
  { subpath: 'adapters/openai', className: 'OpenAIAdapter', sdk: 'openai' },
  { subpath: 'adapters/anthropic', className: 'AnthropicAdapter', sdk: '@anthropic-ai/sdk' },
  { subpath: 'adapters/cohere', className: 'CohereAdapter', sdk: 'cohere-ai' },
] as const;

/** A closed port: with the SDK present, a call fails there with `connection`. */
const NOWHERE = 'http://127.0.0.1:9';

let dir: string;

function link(name: string): void {
  const target = join(dir, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  if (!existsSync(target)) symlinkSync(join(root, 'node_modules', name), target, 'dir');
}

function unlink(name: string): void {
  rmSync(join(dir, 'node_modules', name), { force: true, recursive: true });
}

/** Imports the adapter, constructs it, makes one call and one stream; prints what each threw. */
function run(
  subpath: string,
  className: string,
  format: 'esm' | 'cjs',
): Array<{ kind: string; message: string }> {
  const body = `
    const m = await load('${pkg.name}/${subpath}');
    const adapter = new m.${className}({ apiKey: 'sk-test-0123456789', baseURL: '${className === 'OpenAIAdapter' ? `${NOWHERE}/v1` : NOWHERE}' });
    const opts = { signal: new AbortController().signal, target: 't', clock: { now: Date.now }, deadline: Infinity };
    const req = { model: 'm', maxOutputTokens: 8, messages: [{ role: 'user', content: 'hi' }] };
    const out = [];
    const record = (e) => out.push({ kind: e.kind ?? e.code, message: e.message });
    await adapter.complete(req, opts).then(() => out.push({ kind: 'ok' }), record);
    try { for await (const _ of adapter.stream(req, opts)) {} out.push({ kind: 'ok' }); } catch (e) { record(e); }
    console.log(JSON.stringify(out));`;
  return JSON.parse(node(format, body)) as Array<{ kind: string; message: string }>;
}

/** Runs `body` (async code; `load(specifier)` imports or requires) in a fresh Node in `dir`; its stdout. */
function node(format: 'esm' | 'cjs', body: string): string {
  const loader =
    format === 'esm' ? 'const load = (s) => import(s);' : 'const load = async (s) => require(s);';
  const code = `${loader}\n${format === 'esm' ? 'await ' : ''}(async () => { ${body} })();`;
  const args = format === 'esm' ? ['--input-type=module', '-e', code] : ['-e', code];
  return execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 30_000 }).trim();
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'adapters', 'openai', 'index.js'))) {
    execFileSync('npx', ['tsup'], { cwd: root, stdio: 'ignore', timeout: 180_000 });
  }
  dir = mkdtempSync(join(tmpdir(), 'missing-peer-'));
  const installed = join(dir, 'node_modules', pkg.name);
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true });
  writeFileSync(join(installed, 'package.json'), readFileSync(join(root, 'package.json')));
  writeFileSync(join(dir, 'package.json'), '{"private":true}');
  for (const name of Object.keys(pkg.dependencies)) link(name);
}, 200_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('adapters without their optional peer SDK', () => {
  for (const { subpath, className, sdk } of adapters) {
    it.each(['esm', 'cjs'] as const)(`${subpath} (%s): a config error that names ${sdk}`, (format) => {
      unlink(sdk);
      const failures = run(subpath, className, format);
      // The published name (the package is being renamed from switchyard to switchyard-llm).
      const expected = `switchyard-llm/${subpath} needs the optional peer dependency ${sdk}: npm install ${sdk}`;
      expect(failures).toEqual([
        { kind: 'config', message: expected },
        { kind: 'config', message: expected },
      ]);
      // The same build with the SDK in place loads it and gets as far as the (closed) port.
      link(sdk);
      try {
        expect(run(subpath, className, format).map((f) => f.kind)).toEqual(['connection', 'connection']);
      } finally {
        unlink(sdk);
      }
    });
  }
});

/**
 * The modules whose factory needs the peer: `make` builds it (in a script where `m` is the
 * module, `core` the root entry and `testing` switchyard-llm/testing) and `use` proves it works,
 * printing `ok`.
 */
const modules = [
  {
    subpath: 'metrics',
    peer: 'prom-client',
    make: 'm.collectMetrics(router)',
    use: `await router.complete(req); const text = await made.metrics(); made.close();
      if (!/switchyard_requests_total\\{[^}]*outcome="success"[^}]*\\} 1/.test(text)) throw new Error(text);`,
  },
  {
    subpath: 'otel',
    peer: '@opentelemetry/api',
    make: 'm.otelMiddleware()',
    use: `router.use(made); const res = await router.complete(req); if (res.text !== 'ok') throw new Error(res.text);`,
  },
  {
    subpath: 'monitor',
    peer: 'ws',
    make: "await m.createMonitor(router, { port: 0, token: 'missing-peer-token-0123456789' })",
    use: `const r = await fetch(made.baseUrl + 'snapshot', { headers: { authorization: 'Bearer missing-peer-token-0123456789' } });
      const body = await r.json(); await made.close();
      if (r.status !== 200 || body.targets[0].id !== 't') throw new Error(JSON.stringify(body));`,
  },
  {
    subpath: 'config',
    peer: 'zod',
    make: "m.parseConfig({ targets: [{ id: 't', provider: 'openai', model: 'm', apiKey: 'k' }] }, {})",
    use: `const built = m.buildRouter(made); const ids = built.router.targets.map((t) => t.id); await built.close();
      if (ids.join() !== 't') throw new Error(JSON.stringify(ids));`,
  },
] as const;

/** Imports the module (which must work), makes the factory's product and uses it; prints what happened. */
function runModule(subpath: string, make: string, use: string, format: 'esm' | 'cjs'): string {
  return node(
    format,
    `
    const m = await load('${pkg.name}/${subpath}');
    const core = await load('${pkg.name}');
    const testing = await load('${pkg.name}/testing');
    const router = new core.Router({ targets: [{ id: 't', adapter: new testing.MockAdapter(() => ({ text: 'ok' })), model: 'm' }] });
    const req = { messages: [{ role: 'user', content: 'hi' }] };
    let made;
    try { made = ${make}; } catch (e) { console.log(JSON.stringify({ kind: e.kind ?? e.code, message: e.message })); return; }
    ${use}
    await router.close();
    console.log('ok');`,
  );
}

describe('modules without their optional peer dependency', () => {
  for (const { subpath, peer, make, use } of modules) {
    it.each(['esm', 'cjs'] as const)(
      `${subpath} (%s): imports, and the factory throws a config error naming ${peer}`,
      (format) => {
        unlink(peer);
        expect(JSON.parse(runModule(subpath, make, use, format))).toEqual({
          kind: 'config',
          message: `switchyard-llm/${subpath} needs the optional peer dependency ${peer}: npm install ${peer}`,
        });
        // The same build with the peer in place works.
        link(peer);
        try {
          expect(runModule(subpath, make, use, format)).toBe('ok');
        } finally {
          unlink(peer);
        }
      },
    );
  }
});

describe('the switchyard-llm executable without zod', () => {
  it('says how to install zod (or run it with npx), exit code 1; with zod, the same check passes', () => {
    const config = join(dir, 'switchyard.config.json');
    writeFileSync(
      config,
      JSON.stringify({ targets: [{ id: 't', provider: 'openai', model: 'm', apiKey: 'k' }] }),
    );
    const bin = join(dir, 'node_modules', pkg.name, 'dist', 'cli', 'bin.js');
    const check = () =>
      spawnSync(process.execPath, [bin, 'check', '--config', config], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
      });
    unlink('zod');
    const without = check();
    expect(without.status).toBe(1);
    expect(without.stderr).toBe(
      `${config}: switchyard-llm/config needs the optional peer dependency zod: npm install zod (or run it without installing: npx -p switchyard-llm -p zod switchyard-llm check …)\n`,
    );
    link('zod');
    try {
      const withZod = check();
      expect(withZod.stderr).toBe('');
      expect(withZod.stdout).toContain(`${config}: valid`);
      expect(withZod.status).toBe(0);
    } finally {
      unlink('zod');
    }
  });
});
