/**
 * The Dockerfile agrees with the gateway's defaults, the package and the Kubernetes manifests.
 * (No Docker engine runs here: these read the file; docs/deployment.md says how to build it.)
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../modules/gateway/options.js';
import { dockerfile, execForm, type Instruction, one, ROOT } from './files.js';

const defaults = resolveOptions({});
const steps = dockerfile();
const stage = (n: number) => steps.filter((s) => s.stage === n);
const last = (keyword: string): Instruction => {
  const found = steps.filter((s) => s.keyword === keyword);
  expect(found.length, `one ${keyword}`).toBeGreaterThan(0);
  return found.at(-1)!;
};

describe('Dockerfile', () => {
  it('is multi-stage on node:20-slim: npm ci + build, then a runtime stage', () => {
    const froms = steps.filter((s) => s.keyword === 'FROM');
    expect(froms.length).toBe(2);
    expect(froms[0]!.args).toMatch(/^node:20-slim\s+AS\s+build$/i);
    expect(froms[1]!.args).toMatch(/^node:20-slim(\s+AS\s+\w+)?$/i);
    const buildRuns = stage(0)
      .filter((s) => s.keyword === 'RUN')
      .map((s) => s.args)
      .join('\n');
    expect(buildRuns).toMatch(/npm ci\b/);
    expect(buildRuns).toMatch(/npm run build\b/);
  });

  it('installs production dependencies only, plus zod (the CLI validates its config with it)', () => {
    const runtimeRuns = stage(1)
      .filter((s) => s.keyword === 'RUN')
      .map((s) => s.args)
      .join('\n');
    expect(runtimeRuns).toMatch(/npm ci --omit=dev\b/);
    expect(runtimeRuns).toMatch(/npm install --omit=dev\b/);
    // The peers come from runtime-peers.txt, written in the build stage from the lock file.
    const peers = stage(0).find((s) => s.keyword === 'RUN' && s.args.includes('runtime-peers.txt'));
    expect(peers?.args).toContain("'zod'");
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    expect(lock.packages['node_modules/zod']?.version, 'zod in the lock file').toBeDefined();
    expect(lock.packages['node_modules/prom-client']?.version, 'prom-client in the lock file').toBeDefined();
    const copies = stage(1).filter((s) => s.keyword === 'COPY');
    expect(copies.some((c) => /--from=build\s+\/app\/dist\s+\.\/dist/.test(c.args))).toBe(true);
  });

  it('runs as a numeric non-root user, the one the Deployment requires', () => {
    const user = last('USER');
    expect(user.stage).toBe(1);
    const [uid, gid] = user.args.split(':').map(Number);
    expect(Number.isInteger(uid) && uid! > 0).toBe(true); // numeric: runAsNonRoot can verify it
    const pod = one('Deployment').spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBe(uid);
    expect(pod.securityContext.runAsGroup).toBe(gid);
    const useradd = stage(1).find((s) => s.keyword === 'RUN' && s.args.includes('useradd'));
    expect(useradd?.args).toContain(`--uid ${uid}`);
  });

  it("exposes the gateway's default port and health-checks /healthz there with node (no curl)", () => {
    expect(Number(last('EXPOSE').args)).toBe(defaults.port);
    const healthcheck = last('HEALTHCHECK').args;
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim());
    expect(command[0]).toBe('node');
    const url = new URL(/fetch\('([^']+)'\)/.exec(command.join(' '))![1]!);
    expect(Number(url.port)).toBe(defaults.port);
    const liveness = one('Deployment').spec.template.spec.containers[0].livenessProbe.httpGet.path;
    expect(url.pathname).toBe(liveness);
    expect(url.pathname).toBe('/healthz');
  });

  it('starts `switchyard-llm serve` on the mounted config, listening beyond loopback', () => {
    const entry = execForm(last('ENTRYPOINT').args);
    expect(entry[0]).toBe('node');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['switchyard-llm'];
    if (bin !== undefined) expect(posix.normalize(entry[1]!)).toBe(posix.normalize(bin));
    else expect(entry[1]).toMatch(/^dist\//); // the CLI is not on this branch yet: see docs/deployment.md
    expect(entry.slice(2, 3)).toEqual(['serve']);
    const configPath = entry[entry.indexOf('--config') + 1]!;
    expect(configPath).toBe('/etc/switchyard/config.json');
    expect(entry[entry.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(defaults.host).toBe('127.0.0.1'); // why --host is needed in a container

    const deployment = one('Deployment');
    const container = deployment.spec.template.spec.containers[0];
    const mount = container.volumeMounts.find(
      (m: { mountPath: string }) => m.mountPath === posix.dirname(configPath),
    );
    expect(mount, `a volume mounted at ${posix.dirname(configPath)}`).toBeDefined();
    const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.configMap.name).toBe(one('ConfigMap').metadata.name);
    expect(volume.configMap.items).toContainEqual({ key: 'config.json', path: posix.basename(configPath) });
  });

  it('.dockerignore keeps node_modules, dist and the git history out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
    // Everything the build reads stays in.
    for (const needed of [
      'src',
      'modules',
      'adapters',
      'strategies',
      'scripts',
      'index.ts',
      'tsup.config.ts',
    ]) {
      expect(ignored).not.toContain(needed);
    }
  });
});
