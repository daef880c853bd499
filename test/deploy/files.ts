/**
 * Readers of the deployment files for the deploy tests (no Docker engine or kubectl here): a
 * small Dockerfile parser and the Kubernetes manifests of deploy/ parsed with `yaml`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One Dockerfile instruction, continuation lines joined and comment lines removed. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** Index of its stage (0 for the first FROM). */
  readonly stage: number;
}

/** The instructions of a Dockerfile, in order. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const match = /^(\S+)\s*(.*)$/.exec(full)!;
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    out.push({ keyword, args: match[2]!, stage });
  }
  return out;
}

/** The JSON array of an exec-form instruction (`ENTRYPOINT ["node", …]`). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || parsed.some((a) => typeof a !== 'string')) {
    throw new Error(`not an exec-form array: ${args}`);
  }
  return parsed as string[];
}

/** The repository's Dockerfile, parsed. */
export function dockerfile(): Instruction[] {
  return parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
}

/** A Kubernetes object, loosely typed (the tests check the fields they read). */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: any };

/** Every object of every deploy/*.yaml except the kustomization, with its file name. */
export function manifests(): Array<{ file: string; object: K8sObject }> {
  const dir = join(ROOT, 'deploy');
  const out: Array<{ file: string; object: K8sObject }> = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      const object = doc.toJS() as K8sObject | null;
      if (object !== null) out.push({ file, object });
    }
  }
  return out;
}

/** The one object of `kind` (and `apiVersion`, when given). */
export function one(kind: string): K8sObject {
  const found = manifests().filter((m) => m.object.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/, found ${found.length}`);
  return found[0]!.object;
}
