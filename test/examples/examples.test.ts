/** Every example runs to completion against local mocks and prints what it promises. */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** Runs `examples/<file>`; `file` may carry arguments (`custom-adapter.ts --conformance`). */
async function example(file: string): Promise<string> {
  const [name, ...args] = file.split(' ');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join('examples', name!), ...args], {
    cwd: root,
    timeout: 60_000,
    env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', CO_API_KEY: '' },
  });
  return stdout;
}

describe('examples', () => {
  it('demo prints a row per call and a summary built from real results', async () => {
    const out = await example('demo.ts');
    expect(out).toMatch(/^\s*24\s/m);
    expect(out).toContain('Summary');
    expect(out).toMatch(/calls\s+24 \(\d+ succeeded/);
  }, 60_000);

  const checks: Array<[string, RegExp]> = [
    ['basic-routing.ts', /call 1: /],
    ['custom-strategy.ts', /cheapest/],
    // Both tried once, then every stream goes to the target whose first token comes first.
    [
      'custom-strategy.ts',
      /quickest-start' served: late-start, quick-start, quick-start, quick-start, quick-start$/m,
    ],
    ['streaming.ts', /stream_interrupted/],
    [
      'custom-adapter.ts',
      /Acme answered: Hello from Acme \(attempts: server, success\)\nAcme streamed: Streamed from Acme/,
    ],
    // The example adapter passes the conformance suite (all 15 checks) under node:test.
    ['custom-adapter.ts --conformance', /^# pass 15\n# fail 0$/m],
    ['events-and-metrics.ts', /p50/],
    // Every fifth call stalls on spiky: hedged to steady after 800 ms, which wins; spiky's breaker stays closed.
    [
      'hedging.ts',
      /^ {2}r\d+-5: steady won, cancelled spiky[\s\S]*spiky's breaker: closed, consecutive failures 0[\s\S]*^slowest call: 5000 ms without hedging, 1400 ms with$/m,
    ],
    // Six rows (three strategies, affinity off and on); the lab measures, the check only reads the shape.
    ['affinity-cost.ts', /^round-robin\s+on\s+\d+\.\d{3}\s+\d+\.\d%/m],
    // The AI SDK over the router falls back and runs the tool; an AI SDK model as a target is rate
    // limited once (one request on its server) and the router falls back to the mock.
    [
      'ai-sdk.ts',
      /generateText: "It is 3 °C in Oslo\." in 2 steps\n {2}answered by backup; attempts: primary failure, backup success\nstreamText: "It is 3 °C in Oslo\." \(target backup\)\nrouter call 1: .*\(local rate_limited → hosted ok\)[\s\S]*served by the local server: 1$/m,
    ],
    // A non-linear family beats linear offline, and intelligent started from it sends long prompts
    // away from the provider that collapses on them.
    ['ml.ts', /^best: (forest|boosting|mlp|ensemble) \([\d.]+× lower MAE than linear\)$/m],
    ['ml.ts', /trained intelligent: short prompts → short-fast, long prompts → steady$/m],
    // Two of the six calls fall back from primary (503) to backup; the stream's first token is timed.
    [
      'metrics.ts',
      /^switchyard_fallbacks_total\{target="primary".*to="backup"\} 2$[\s\S]*^switchyard_time_to_first_token_seconds_count\{.*\} 1$/m,
    ],
    // 7 requests: one 429 and its fallback, then round-robin. Which target serves the third call
    // depends on whether the 3 s Retry-After has run out yet, which a loaded machine can reach.
    [
      'providers.ts',
      /↪ fallback openai → anthropic after rate_limited[\s\S]*requests served by the mock: \{"openai":[23],"anthropic":[23],"cohere":2\}/,
    ],
    // intelligent closes over half the gap between random picks and the oracle (regret < 0.5).
    ['simulation.ts', /^intelligent\s+\d+\s+[\d.]+%\s+[\d.]+\s+-[\d.]+\s+0\.[0-4]\d\s+-?0\.[0-4]\d\s/m],
    // The oracle learning of the spike 5 s late loses something, but less than half the gap.
    ['simulation.ts', /^oracle \+5 s\s+\d+\s+[\d.]+%\s+[\d.]+\s+-[\d.]+\s+0\.(0[1-9]|[1-4]\d)\s/m],
    // With prompt bands, most short prompts go to quick-start and few long ones (≥ 80% / ≤ 19%).
    ['speed-bands.ts', /^adaptive\s+0\.[0-4]\d\s+(8\d|9\d|100)%\s+1?\d%$/m],
    // With answer bands, most short answers go to quick-start and few long ones; regret ≤ 0.29.
    ['speed-bands.ts', /^adaptive, outputBandEdges\s+0\.[0-2]\d\s+(8\d|9\d|100)%\s+1?\d%$/m],
    // The guardrail refuses before the provider: one provider call for two requests.
    ['middleware-guardrail.ts', /refused \(invalid_request, retryable: false\)[\s\S]*provider calls: 1$/m],
    // The second call and the second stream are cache hits; 3 provider calls for 5 requests.
    [
      'middleware-cache.ts',
      /2nd call: .*\(cache hit[\s\S]*2nd stream: .* cache hit[\s\S]*provider calls: 3$/m,
    ],
    ['middleware-tenant-rewrite.ts', /acme: large-model .*ACME[\s\S]*globex: small-model .*Globex.*256$/m],
    // Each attempt's adapter sees its own trace id, for completions and streams; none outside.
    [
      'middleware-trace-id.ts',
      /call 2 sees trace id (r\d+-1)\.2[\s\S]*call 4 sees trace id r\d+-2\.2[\s\S]*no trace id$/m,
    ],
    // The ledger prints a row per model (the large one with its 4 failures and a non-zero cost of
    // streamed calls) and an SLA line whose 10% errors burn the 99% budget at 10×.
    ['usage.ts', /^large-model\s+40\s+4\s+\d+\s+\d+\s+0\.0*[1-9]\d*/m],
    ['usage.ts', /^SLA smart: availability 90\.0% \(objective 99%, missed\).*burn 60m\/5m 10\.0×.*ALERT$/m],
    // An hour with an incident: a few calls fail, the page is written (self-contained, no --png here).
    [
      'usage-report.ts',
      /^calls: \d{4}, failed: [1-9]\d*\nwrote .*switchyard-usage-report\.html \(\d+ KB, self-contained\)$/m,
    ],
    // Twenty calls race for a team budget: what fits on large, then on mini, the rest refused.
    [
      'budgets.ts',
      /served by large: 7, by mini: 4, refused: 9\nbudget "tag=team-a\/day" cannot cover this call on target "mini"/,
    ],
    // The ejection of flaky pages (critical) and resolves once it is restored; the signed
    // webhook receiver verified both.
    [
      'alerts.ts',
      /^receiver: target-ejected FIRING: target flaky[\s\S]*^receiver: target-ejected RESOLVED: target flaky/m,
    ],
    // The openai SDK through the gateway: a completion, a stream with its usage chunk, a 404 for an
    // unknown model, and the two calls counted on /metrics.
    [
      'gateway.ts',
      /^completion: Hello from the gateway\.\nstream usage: .*total_tokens[\s\S]*^streamed: Hello from the gateway\.\nunknown model: 404 model_not_found\nswitchyard_requests_total\{.*outcome="success".*\} 2$/m,
    ],
    // OpenAI's SDK reads pipeToNodeResponse's chunks, raises the error event of a broken stream; a
    // 429 before content stays a 429; a client that leaves aborts the upstream; the UI stream's parts.
    [
      'streams.ts',
      /^openai SDK over pipeToNodeResponse: "Hello from the router\."\nbroken upstream: got "Half an answer", then the SDK raised: .*upstream broke\nfailure before content: HTTP 429, retry-after 2, rate_limit_exceeded\nclient left after the first event: upstream call aborted\nUI message stream \(v1\): start, start-step, text-start, (text-delta, ){4}text-end, finish-step, finish, \[DONE\]\nfinish part: \{"type":"finish","finishReason":"stop","messageMetadata":\{"target":"mock"\}\}$/m,
    ],
    // JWT through the gateway with the openai SDK: the claims become the principal, a kid rollover
    // (both keys pass, then the retired one is refused), and refusals are 401s whose reason stays server side.
    [
      'gateway-jwt.ts',
      /^principal: \{"principal":"alice","user":"alice","team":"search"\}\nold key: Hello from behind the JWT check\.\nnew key, not yet published: 401 invalid_api_key \(server side: jwt: unknown_kid\)[\s\S]*^rollover, old key: Hello[\s\S]*^rollover, new key: Hello[\s\S]*^after rollover, old key: 401 invalid_api_key \(server side: jwt: unknown_kid\)\nexpired token: 401 invalid_api_key \(server side: jwt: expired\)\nnot a JWT: 401 invalid_api_key \(server side: jwt: malformed\)$/m,
    ],
    // Virtual keys: created over the admin API, used with the openai SDK (headers, 429 over its
    // rpm, 403 for another model), rotated (old secret 401) and revoked (401); the audit chain holds.
    [
      'gateway-keys.ts',
      /^created: 201 key_\S+ sk-sy-…\S{4} \(secret shown once\)\ncompletion: Hello from the gateway\.\nheaders: limit 2, remaining 1, reset (?:\d+(?:\.\d+)?s|1m0s)\n[\s\S]*^third call: 429 rate_limit_exceeded, retry-after (?:59|60)s\n[\s\S]*^other model: 403 model_not_allowed\n[\s\S]*^old secret after rotation: 401\n[\s\S]*^revoked key: 401\nlisted: revoked\nstats: \{"rate_limited":1,"model_not_allowed":1,"unknown_or_revoked":2\}\naudit: chain ok, \d+ entries$/m,
    ],
    // Two instances share a limit of 5 per minute (8 calls, 5 admitted) and a breaker; without a
    // redis-server (nor REDIS_URL) the example says it skipped.
    [
      'redis.ts',
      /^shared limit: 5 of 8 calls admitted[\s\S]*^instance 2 sees "claude" as: open$|^skipped: no REDIS_URL and no redis-server installed$/m,
    ],
    // One call span, a failed attempt span on primary then a successful one on backup under it;
    // the backup's request carried its attempt span's traceparent.
    [
      'otel.ts',
      /^chat fast .*switchyard\.attempts=2[\s\S]*^ {2}chat gpt-4o-mini status=ERROR .*switchyard\.attempt=1 .*error\.type="server"\n {2}chat claude-haiku-4-5 .*switchyard\.attempt=2[\s\S]*matches its attempt span: true$/m,
    ],
    // The monitor through one outage of flaky (--once: it ends by itself): the feed a page gets shows
    // the ejection, the red row, the alert (also posted to the signed webhook), then the restore.
    [
      'monitor.ts --once',
      /^monitor: open http:\/\/127\.0\.0\.1:\d+\/#token=\S+$(?=[\s\S]*^webhook: target-ejected FIRING: target flaky)[\s\S]*^page sees: fast closed, slow closed, flaky open$[\s\S]*^page sees: fast closed, slow closed, flaky closed\nevents: ejected [1-9]\d*, restored [1-9]\d*, alert firing [1-9]\d*/m,
    ],
    // Snapshots of the first router restore into the second: the failing target is still out, the
    // budget's spend is the same; a torn newest file is skipped and the previous one restored.
    [
      'backup.ts',
      /^first router: \d+ snapshots written, [1-5] kept\nfirst router: flaky is open, budget spent \$(0\.\d{4})\nrestored (router-\d+-\d+-[0-9a-f]+\.snap)\nsecond router: flaky is open, budget spent \$\1\nsecond router's first call: steady after 1 attempt\(s\)\nskipped \2: corrupt \(truncated or extended: \d+ bytes where the header says \d+\)\nrestored the previous one instead: router-\d+-\d+-[0-9a-f]+\.snap$/m,
    ],
    // The 401 key is disabled, the 429 key rests while the healthy key serves; the vault file holds
    // no key in clear; the audit chain verifies, then names the edited line.
    [
      'keys.ts',
      /^key revoked-upstream disabled \(HTTP 401\)[\s\S]*^call 5: ok after 1 attempt\(s\)$[\s\S]*^vault: revoked-upstream=disabled, busy=active, healthy=active$[\s\S]*^vault file holds a key in clear: false$[\s\S]*^audit verified: true \(6 entries\)\ntampered: line 3: edited/m,
    ],
  ];

  it('every example is run, and imports the package by its name as a user would', () => {
    const files = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
    expect(
      files.filter((f) => f !== 'demo.ts' && !checks.some(([file]) => file.split(' ')[0] === f)),
    ).toEqual([]);
    const relative = readdirSync(join(root, 'examples'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from '\.\.\/|import '\.\.\//.test(readFileSync(join(root, 'examples', f), 'utf8')));
    expect(relative).toEqual([]);
  });

  it.each(checks)(
    '%s runs and prints its result',
    async (file, expected) => {
      expect(await example(file)).toMatch(expected);
    },
    60_000,
  );
});
