/**
 * Once warm, a gateway call makes no new hidden classes (V8 maps). A call that makes maps makes
 * objects V8 cannot share inline caches for and that outlive scavenges (in Node 20: a spread
 * followed by more properties, an object literal with a getter, every `AbortSignal`), which
 * lengthens each scavenge pause and so the latency tail under load. The probe runs the gateway
 * stack under `node --log-maps`; this test counts the maps made between its markers.
 * `NormalizeCached` events (an object turned into a dictionary with a cached map, as Node's own
 * request objects are) make no map and are left out.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CALLS = 500;
const PROBE = new URL('./hidden-class-probe.ts', import.meta.url).pathname;

/** Map events of the V8 log between the probe's markers, as `event reason name` lines. */
function mapEventsBetweenMarks(log: string): string[] {
  const events: string[] = [];
  let inside = false;
  for (const line of log.split('\n')) {
    if (!line.startsWith('map,')) continue;
    if (line.includes('__hidden_class_probe_start__')) inside = true;
    else if (line.includes('__hidden_class_probe_end__')) inside = false;
    else if (inside) {
      const f = line.split(',');
      if (f[1] !== 'NormalizeCached') events.push(`${f[1]} ${f[8]} ${f.slice(9).join(',')}`);
    }
  }
  return events;
}

describe('hidden classes per gateway call', () => {
  it.each([
    ['default router options', []],
    ['stream stall timeouts on', ['--stall-timeouts']],
  ])(
    'a warm plain or streamed call through gateway, router and OpenAI adapter makes no new map (%s)',
    async (_, flags) => {
      const dir = await mkdtemp(join(tmpdir(), 'switchyard-maps-'));
      try {
        const logfile = join(dir, 'v8.log');
        await promisify(execFile)(
          process.execPath,
          [
            '--log-maps',
            '--no-log-maps-details',
            `--logfile=${logfile}`,
            '--no-logfile-per-isolate',
            '--import',
            'tsx',
            PROBE,
            '--calls',
            String(CALLS),
            ...flags,
          ],
          { timeout: 120_000, maxBuffer: 1 << 20 },
        );
        const events = mapEventsBetweenMarks(await readFile(logfile, 'utf8'));
        const byKind = new Map<string, number>();
        for (const e of events) byKind.set(e, (byKind.get(e) ?? 0) + 1);
        // A handful of maps may appear once (a late optimisation, a field generalised); one per call
        // or more is the pattern this test is for.
        expect([...byKind].filter(([, n]) => n >= CALLS / 10)).toEqual([]);
        expect(events.length).toBeLessThan(CALLS / 10);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    150_000,
  );
});
