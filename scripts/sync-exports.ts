/**
 * `npm run sync:exports`: rewrites package.json `exports`, `typesVersions` and `sideEffects` from
 * the entry list (scripts/entries.ts): the core entries plus every `modules/<name>/index.ts`.
 * Run it after adding or removing a module; `--check` only reports a difference (exit code 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleFolders, ROOT } from './entries.js';
import { packageFields } from './package-fields.js';

const file = join(ROOT, 'package.json');
const before = readFileSync(file, 'utf8');
const pkg = JSON.parse(before) as Record<string, unknown>;
const fields = packageFields();

for (const m of moduleFolders().filter((m) => !m.withIndex)) {
  console.warn(`modules/${m.name}/ has no index.ts: not an entry`);
}

// Same key order as before; typesVersions goes after `types` the first time.
const next: Record<string, unknown> = {};
for (const [key, value] of Object.entries(pkg)) {
  if (key === 'typesVersions') continue;
  next[key] = key in fields ? fields[key as keyof typeof fields] : value;
  if (key === 'types') next.typesVersions = fields.typesVersions;
}
if (!('typesVersions' in next)) next.typesVersions = fields.typesVersions;

const after = `${JSON.stringify(next, null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('package.json is out of date: run npm run sync:exports');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(file, after);
  console.log(`package.json: ${Object.keys(fields.exports).length - 1} entries written`);
} else {
  console.log('package.json is up to date');
}
