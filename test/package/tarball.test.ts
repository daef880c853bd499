/**
 * What `npm pack` ships besides the build: the licence, and every guide the README links to, so
 * that its links work from `node_modules/switchyard-llm/` too; the lab's raw JSON stays out.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }),
) as Array<{ files: Array<{ path: string }> }>;
const files = new Set(packed!.files.map((f) => f.path));

/** Relative link targets of a markdown file (no anchors, no URLs, no code), relative to the package root. */
function linksOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => normalize(join(dirname(file), target)));
}

describe('the packed package', () => {
  it('has the licence, README and changelog', () => {
    for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
      expect(files, file).toContain(file);
    }
  });

  it('ships every file the README links to, and every guide those link to', () => {
    const readme = linksOf('README.md');
    expect(readme.length).toBeGreaterThan(0);
    expect(readme.filter((target) => !files.has(target))).toEqual([]);
    const guides = [...files].filter((f) => f.startsWith('docs/') && f.endsWith('.md'));
    const broken = guides
      .flatMap((guide) => linksOf(guide).map((target) => ({ guide, target })))
      .filter(({ target }) => target.startsWith('docs/') && !files.has(target));
    expect(broken).toEqual([]);
  });

  it('leaves out the lab JSON, the sources and the tests', () => {
    expect(files).not.toContain('docs/routing-quality.json');
    expect([...files].filter((f) => /^(src|test|examples|modules|scripts)\//.test(f))).toEqual([]);
  });
});
