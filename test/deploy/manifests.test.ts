/**
 * The Kubernetes manifests of deploy/ agree with each other and with the gateway: ports, probe
 * paths (checked against a real gateway), the termination timing, the config and its secrets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../index.js';
import { createGateway, type Gateway } from '../../modules/gateway/index.js';
import { resolveOptions } from '../../modules/gateway/options.js';
import { MockAdapter } from '../../src/testing/index.js';
import { manifests, one, ROOT } from './files.js';

const defaults = resolveOptions({});
const APP = { 'app.kubernetes.io/name': 'switchyard-gateway' };

const deployment = one('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const configMap = one('ConfigMap');
const secret = one('Secret');
const config = JSON.parse(configMap.data['config.json']) as {
  gateway?: { host?: string; port?: number; shutdownGraceMs?: number };
};
/** The port the gateway listens on with this config: its `gateway.port`, else the default. */
const port = config.gateway?.port ?? defaults.port;
const shutdownGraceMs = config.gateway?.shutdownGraceMs ?? defaults.shutdownGraceMs;

function containerPort(ref: string | number): number {
  if (typeof ref === 'number') return ref;
  const named = container.ports.find((p: { name: string }) => p.name === ref);
  expect(named, `a container port named ${ref}`).toBeDefined();
  return named.containerPort;
}

function toBytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(quantity);
  if (m === null) throw new Error(`unsupported quantity ${quantity}`);
  return Number(m[1]) * ({ Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] ?? ''] ?? 1);
}

describe('deploy/ manifests', () => {
  let gateway: Gateway;
  let router: Router;
  let url: string;

  beforeAll(async () => {
    router = new Router({
      targets: [{ id: 't', model: 'm', aliases: ['chat'], adapter: new MockAdapter([{ text: 'ok' }]) }],
    });
    gateway = createGateway(router, { port: 0 });
    ({ url } = await gateway.start());
  });

  afterAll(async () => {
    await gateway.stop();
    await router.close();
  });

  it('has every kind, in the kustomization, with valid API versions', () => {
    const kinds = Object.fromEntries(manifests().map((m) => [m.object.kind, m.object.apiVersion]));
    expect(kinds).toMatchObject({
      Deployment: 'apps/v1',
      Service: 'v1',
      HorizontalPodAutoscaler: 'autoscaling/v2',
      PodDisruptionBudget: 'policy/v1',
      ConfigMap: 'v1',
      Secret: 'v1',
      Kustomization: 'kustomize.config.k8s.io/v1beta1',
    });
    const files = new Set(manifests().map((m) => m.file));
    files.delete('kustomization.yaml');
    expect(new Set(one('Kustomization').resources)).toEqual(files);
  });

  it('selectors agree: Deployment, Service and PodDisruptionBudget pick the same pods', () => {
    expect(deployment.spec.selector.matchLabels).toEqual(APP);
    expect(deployment.spec.template.metadata.labels).toMatchObject(APP);
    expect(one('Service').spec.selector).toEqual(APP);
    expect(one('PodDisruptionBudget').spec.selector.matchLabels).toEqual(APP);
  });

  it("ports: the container, the probes, the Service and the scrape annotation use the gateway's port", () => {
    expect(port).toBe(defaults.port);
    expect(containerPort('http')).toBe(port);
    expect(containerPort(container.readinessProbe.httpGet.port)).toBe(port);
    expect(containerPort(container.livenessProbe.httpGet.port)).toBe(port);
    expect(containerPort(container.startupProbe.httpGet.port)).toBe(port);
    expect(containerPort(one('Service').spec.ports[0].targetPort)).toBe(port);
    expect(Number(deployment.spec.template.metadata.annotations['prometheus.io/port'])).toBe(port);
  });

  it('probe paths are the routes a real gateway answers: readiness /readyz, liveness /healthz', async () => {
    const readiness = container.readinessProbe.httpGet.path;
    const liveness = container.livenessProbe.httpGet.path;
    expect([readiness, liveness]).toEqual(['/readyz', '/healthz']);
    for (const path of [readiness, liveness, container.startupProbe.httpGet.path]) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
    }
    expect((await fetch(`${url}/no-such-probe`)).status).toBe(404); // the check above means something
    const scrape = deployment.spec.template.metadata.annotations['prometheus.io/path'];
    expect(scrape).toBe('/metrics');
  });

  it("the termination grace outlasts the preStop pause plus the gateway's shutdown grace", () => {
    const preStop = container.lifecycle.preStop.exec.command as string[];
    expect(preStop[0]).toBe('sleep');
    const preStopMs = Number(preStop[1]) * 1000;
    const terminationMs = pod.terminationGracePeriodSeconds * 1000;
    expect(shutdownGraceMs).toBe(defaults.shutdownGraceMs);
    // At least 5 s for the process to close connections and exit after the grace period.
    expect(terminationMs).toBeGreaterThanOrEqual(preStopMs + shutdownGraceMs + 5_000);
  });

  it('runs locked down, with resource requests and limits (the HPA needs the CPU request)', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    const limit = toBytes(container.resources.limits.memory);
    const heap = /--max-old-space-size=(\d+)/.exec(
      container.env.find((e: { name: string }) => e.name === 'NODE_OPTIONS').value,
    );
    expect(Number(heap![1]) * 1024 ** 2).toBeLessThan(limit);
  });

  it('the HPA scales this Deployment on CPU; the PDB never blocks every drain', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(one('PodDisruptionBudget').spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    expect(deployment.spec.replicas).toBe(hpa.spec.minReplicas);
  });

  it('the config listens beyond loopback, and each variable it uses is a key of the pod Secret', () => {
    expect(config.gateway?.host ?? '0.0.0.0').toBe('0.0.0.0'); // the image also passes --host 0.0.0.0
    const refs = container.envFrom.map((e: { secretRef?: { name: string } }) => e.secretRef?.name);
    expect(refs).toContain(secret.metadata.name);
    const used = [...configMap.data['config.json'].matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(Object.keys(secret.stringData), name).toContain(name);
  });

  it('the Secret holds placeholders only', () => {
    expect(secret.data).toBeUndefined();
    for (const [name, value] of Object.entries(secret.stringData as Record<string, string>)) {
      expect(value, name).toMatch(/^REPLACE_ME/);
    }
  });

  it('the config passes the config module, when this branch has it', async () => {
    const entry = join(ROOT, 'modules/config/index.ts');
    if (!existsSync(entry)) return; // switchyard-llm/config lands with the CLI
    const mod = (await import(pathToFileURL(entry).href)) as {
      parseConfig?: (json: unknown, env: Record<string, string>) => unknown;
    };
    if (typeof mod.parseConfig !== 'function') return;
    const env = secret.stringData as Record<string, string>;
    expect(() => mod.parseConfig!(JSON.parse(configMap.data['config.json']), env)).not.toThrow();
  });
});
