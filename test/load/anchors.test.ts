import { describe, expect, it } from 'vitest';
import { anchorsRatio, anchorsRows } from './anchors.js';
import { anchorsGoals, anchorsSection } from './anchors-report.js';

const row = (client: string, scenario: string, callsPerS: number, extra: Record<string, unknown> = {}) => ({
  client,
  scenario,
  rounds: 3,
  callsPerS,
  p50: 1000,
  p99: 5000,
  spreadPct: 10,
  errors: 0,
  mismatches: 0,
  ...extra,
});

// The shape of the harness's results/<out>.json, trimmed to what the profile reads.
const results = {
  meta: { date: '2026-12-03T07:12:45.851Z' },
  summary: [
    row('gateway+undici', 'c64/non-stream', 6000, { gatewayCpuPct: 72 }),
    row('portkey+undici', 'c64/non-stream', 750, { gatewayCpuPct: 91 }),
    row('undici.request', 'c64/non-stream', 21000),
    row('gateway+undici', 'c64/stream', 3000, { gatewayCpuPct: 70 }),
    row('portkey+undici', 'c64/stream', 700, { gatewayCpuPct: 90, errors: 2 }),
    row('undici.request', 'c64/stream', 10000),
  ],
};

describe('the anchors profile', () => {
  it('reads the harness summary and divides our calls/s by Portkey’s per scenario', () => {
    const rows = anchorsRows(results);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatchObject({ client: 'gateway+undici', callsPerS: 6000, gatewayCpuPct: 72 });
    expect(rows[2]?.gatewayCpuPct).toBeUndefined();
    expect(anchorsRatio(rows, 'c64/non-stream')).toBe(8);
    expect(anchorsRatio(rows, 'c64/stream')).toBeCloseTo(4.29, 2);
    expect(anchorsRatio(rows, 'seq/stream')).toBeNaN();
  });

  it('holds the 5× goal only where the ratio reaches it', () => {
    const goals = anchorsGoals({ rounds: 3, rows: anchorsRows(results) });
    expect(goals[0]).toContain('6,000 vs 750 calls/s: 8.0× | **yes**');
    expect(goals[1]).toContain('3,000 vs 700 calls/s: 4.3× | **no**');
  });

  it('gives each client’s errors in the section and says why a skipped run did not run', () => {
    const section = anchorsSection({ rounds: 3, rows: anchorsRows(results) }).join('\n');
    expect(section).toMatch(/\| c64\/stream \| 3,000 \| 700 \| 4\.29× \| 10,000 .* \| 0 \/ 2 \/ 0 \|$/m);
    expect(anchorsGoals({ rounds: 3, rows: [], skipped: 'no harness' })).toEqual([]);
    expect(anchorsSection({ rounds: 3, rows: [], skipped: 'no harness' }).join('\n')).toContain(
      'Skipped: no harness',
    );
  });

  it('refuses a results file without a summary', () => {
    expect(() => anchorsRows({ meta: {} })).toThrow(/no summary/);
  });
});

describe('an unpinned anchors run', () => {
  it('is flagged in the section', () => {
    const section = anchorsSection({ rounds: 3, rows: anchorsRows(results), pinned: false }).join('\n');
    expect(section).toContain('**Not pinned:**');
    expect(anchorsSection({ rounds: 3, rows: anchorsRows(results), pinned: true }).join('\n')).not.toContain(
      'Not pinned',
    );
  });
});
