/** The markdown of the `anchors` profile (the shared anchors harness), for docs/performance.md. */
import { type AnchorsResult, anchorsRatio, anchorsRow, DIRECT, OURS, PORTKEY } from './anchors.js';
import { int, yes } from './format.js';

/** The two goal rows the harness decides: ≥ 5× Portkey's calls/s at concurrency 64. */
export function anchorsGoals(r: AnchorsResult): string[] {
  if (r.skipped) return [];
  return [false, true].map((stream) => {
    const scenario = stream ? 'c64/stream' : 'c64/non-stream';
    const rps = (client: string) => anchorsRow(r.rows, client, scenario)?.callsPerS ?? Number.NaN;
    const ratio = anchorsRatio(r.rows, scenario);
    return `| ≥ 5× Portkey's calls/s, ${stream ? 'streamed' : 'non-streamed'}, concurrency 64, shared anchors harness | ${int(rps(OURS))} vs ${int(rps(PORTKEY))} calls/s: ${ratio.toFixed(1)}× | ${yes(ratio >= 5)} |`;
  });
}

/** The section: every scenario, ours beside Portkey's and the mock straight. */
export function anchorsSection(r: AnchorsResult): string[] {
  const out = [
    `### Side by side in the shared anchors harness (\`bench.mjs\`, ${r.rounds} round${r.rounds === 1 ? '' : 's'}${r.date ? `, ${r.date}` : ''})`,
    '',
  ];
  if (r.skipped) return [...out, `Skipped: ${r.skipped}`];
  if (r.pinned === false) {
    out.push(
      '**Not pinned:** the harness ran its mock, gateways and client on the same CPUs, so these figures are not comparable with pinned runs.',
      '',
    );
  }
  out.push(
    "The harness of `../shared/anchors` (its own mock, client, pinning and warm-up; mock and gateways on CPU 0, client on CPU 1), with our gateway as its `GATEWAY_CMD`: the built CLI, `serve --config test/load/anchors-gateway.config.json` (one OpenAI target at the harness's mock, defaults otherwise). `gateway+undici` is ours, `portkey+undici` Portkey's gateway, `undici.request` the mock straight. Medians over rounds; spread = (max − min) / median of calls/s.",
    '',
    '| scenario | ours calls/s | Portkey calls/s | ours ÷ Portkey | mock straight calls/s | ours p50 / p99 µs | Portkey p50 / p99 µs | spread ours / Portkey | gateway CPU % ours / Portkey | errors ours / Portkey / straight |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const scenarios = [...new Set(r.rows.map((x) => x.scenario))];
  for (const scenario of scenarios) {
    const [ours, pk, direct] = [OURS, PORTKEY, DIRECT].map((client) => anchorsRow(r.rows, client, scenario));
    const errors = [ours, pk, direct].map((x) => (x ? int(x.errors + x.mismatches) : '—')).join(' / ');
    out.push(
      `| ${scenario} | ${int(ours?.callsPerS ?? Number.NaN)} | ${int(pk?.callsPerS ?? Number.NaN)} | ${anchorsRatio(r.rows, scenario).toFixed(2)}× | ${int(direct?.callsPerS ?? Number.NaN)} | ${int(ours?.p50 ?? Number.NaN)} / ${int(ours?.p99 ?? Number.NaN)} | ${int(pk?.p50 ?? Number.NaN)} / ${int(pk?.p99 ?? Number.NaN)} | ${int(ours?.spreadPct ?? Number.NaN)} % / ${int(pk?.spreadPct ?? Number.NaN)} % | ${int(ours?.gatewayCpuPct ?? Number.NaN)} / ${int(pk?.gatewayCpuPct ?? Number.NaN)} | ${errors} |`,
    );
  }
  return out;
}
