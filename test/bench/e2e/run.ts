/**
 * Runs the end-to-end bench on its own and prints the tables.
 *
 *   node --import tsx test/bench/e2e/run.ts [--quick] [--rounds N] [--seconds S] [--c N]
 *        [--only a,b] [--no-pin] [--no-install] [--no-overhead] [--json FILE] [--md FILE]
 */
import { writeFileSync } from 'node:fs';
import { runE2E } from './index.js';

const argv = process.argv.slice(2);
const has = (flag: string) => argv.includes(flag);
const value = (flag: string) => {
  const i = argv.indexOf(flag);
  return i === -1 ? undefined : argv[i + 1];
};
const num = (flag: string) => (value(flag) === undefined ? undefined : Number(value(flag)));

const result = await runE2E({
  quick: has('--quick'),
  ...(num('--rounds') === undefined ? {} : { rounds: num('--rounds') }),
  ...(num('--seconds') === undefined ? {} : { seconds: num('--seconds') }),
  ...(num('--warm') === undefined ? {} : { warmSeconds: num('--warm') }),
  ...(num('--c') === undefined ? {} : { concurrency: num('--c') }),
  ...(value('--only') === undefined ? {} : { only: (value('--only') as string).split(',') }),
  ...(has('--no-pin') ? { pin: false } : {}),
  install: !has('--no-install'),
  streamOverhead: !has('--no-overhead'),
});
console.log(`\n${result.markdown}`);
const json = value('--json');
if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
const md = value('--md');
if (md) writeFileSync(md, result.markdown);
process.exit(result.problems.length ? 1 : 0);
