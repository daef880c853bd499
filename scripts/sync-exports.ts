/**
 * `npm run sync:exports`: rewrites package.json `bin`, `exports`, `typesVersions` and `sideEffects`, and
 * tsconfig.json `compilerOptions.paths`, from the entry list (scripts/entries.ts): the core
 * entries plus every `modules/<name>/index.ts`. Run it after adding or removing a module.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { entries, moduleFolders, ROOT } from './entries.js';
import { packageFields, tsconfigPaths } from './package-fields.js';

for (const m of moduleFolders().filter((m) => !m.withIndex)) {
  console.warn(`modules/${m.name}/ has no index.ts: not an entry`);
}

/** Rewrites a JSON file (no comments) with `update`; reports whether it changed. */
function rewrite(
  file: string,
  update: (json: Record<string, unknown>) => Record<string, unknown>,
  stringify: (json: Record<string, unknown>) => string,
): void {
  const path = join(ROOT, file);
  const before = readFileSync(path, 'utf8');
  const after = stringify(update(JSON.parse(before) as Record<string, unknown>));
  if (after === before) {
    console.log(`${file} is up to date`);
  } else {
    writeFileSync(path, after);
    console.log(`${file} updated`);
  }
}

/** As npm writes package.json. */
const npmStyle = (value: Record<string, unknown>) => `${JSON.stringify(value, null, 2)}\n`;

/** Two-space indents, arrays of strings on one line when they fit: as Biome formats tsconfig.json. */
function biomeStyle(value: Record<string, unknown>): string {
  const text = JSON.stringify(value, null, 2).replace(
    /^( *)(".*": )?\[\n((?: *".*",?\n)+) *\]/gm,
    (whole, indent: string, key: string | undefined, items: string) => {
      const inline = `${indent}${key ?? ''}[${items
        .trim()
        .split('\n')
        .map((item) => item.trim().replace(/,$/, ''))
        .join(', ')}]`;
      return inline.length <= 110 ? inline : whole;
    },
  );
  return `${text}\n`;
}

const fields = packageFields();
let name = '';
rewrite(
  'package.json',
  (pkg) => {
    name = pkg.name as string;
    // Same key order as before; typesVersions and bin go after `types` the first time.
    const next: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pkg)) {
      if (key === 'typesVersions' || (key === 'bin' && !('bin' in next))) continue;
      next[key] = key in fields ? fields[key as keyof typeof fields] : value;
      if (key === 'types') {
        next.typesVersions = fields.typesVersions;
        next.bin = fields.bin;
      }
    }
    if (!('typesVersions' in next)) next.typesVersions = fields.typesVersions;
    if (!('bin' in next)) next.bin = fields.bin;
    return next;
  },
  npmStyle,
);
rewrite(
  'tsconfig.json',
  (tsconfig) => {
    const options = tsconfig.compilerOptions as Record<string, unknown>;
    options.paths = tsconfigPaths(name, entries());
    return tsconfig;
  },
  biomeStyle,
);
