import { SwitchyardError } from '../../../src/index.js';
import type { SlaRow, UsageDimension, UsageLedger, UsageRow } from '../ledger.js';

/** The calls of one time slot of the report. */
export interface TimeSlot {
  /** Start of the slot (clock ms). */
  readonly start: number;
  readonly calls: number;
  readonly successes: number;
  /** Failures by error kind. */
  readonly errors: Readonly<Record<string, number>>;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  readonly p99Ms: number | undefined;
}

/** What the report shows, read from a ledger. */
export interface ReportData {
  /** Start of the first slot and end of the last (clock ms). */
  readonly since: number;
  readonly until: number;
  readonly stepMs: number;
  /** Everything in the window, or undefined when there were no calls. */
  readonly total: UsageRow | undefined;
  readonly timeline: readonly TimeSlot[];
  /** Error kinds of the window, most frequent first. */
  readonly errorKinds: readonly string[];
  /** By target (the one that answered, or the last tried), most calls first. */
  readonly targets: readonly UsageRow[];
  /** By model, alias and tag, largest cost first; undefined when the ledger does not record the dimension. */
  readonly models: readonly UsageRow[] | undefined;
  readonly aliases: readonly UsageRow[] | undefined;
  readonly tags: readonly UsageRow[] | undefined;
  readonly sla: { readonly target: readonly SlaRow[]; readonly alias: readonly SlaRow[] | undefined };
}

/** What {@link readReport} needs: the window and the SLA objective. */
export interface ReportWindow {
  readonly until: number;
  readonly windowMs: number;
  readonly stepMs: number;
  readonly objective: { readonly availability: number; readonly p95Ms?: number };
  readonly burnWindows?: ReadonlyArray<{ longMs: number; shortMs: number; threshold: number }>;
}

/** Slot lengths the report picks from (the smallest giving at most {@link MAX_AUTO_SLOTS} slots). */
const STEPS = [60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000];
const DAY = 86_400_000;
const MAX_AUTO_SLOTS = 72;

/** The slot length for a window: a round length giving at most 72 slots (at least a minute). */
export function autoStep(windowMs: number): number {
  for (const step of STEPS) if (windowMs / step <= MAX_AUTO_SLOTS) return step;
  return Math.ceil(windowMs / MAX_AUTO_SLOTS / DAY) * DAY;
}

/**
 * Reads the report's data from `ledger`: one total, one row per time slot (slots aligned to
 * multiples of `stepMs`, the last one holding `until - 1`), rows by target, model and alias,
 * and the SLA rows by target and alias over `windowMs` (ending at the ledger's own clock).
 */
export function readReport(ledger: UsageLedger, w: ReportWindow): ReportData {
  const slots = Math.ceil(w.windowMs / w.stepMs);
  const last = Math.floor((w.until - 1) / w.stepMs) * w.stepMs;
  const since = last - (slots - 1) * w.stepMs;
  const until = last + w.stepMs;
  const timeline: TimeSlot[] = [];
  const kindTotals = new Map<string, number>();
  for (let i = 0; i < slots; i++) {
    const start = since + i * w.stepMs;
    const [row] = ledger.query({ since: start, until: start + w.stepMs });
    timeline.push({
      start,
      calls: row?.calls ?? 0,
      successes: row?.successes ?? 0,
      errors: row?.errors ?? {},
      p50Ms: row?.p50Ms,
      p95Ms: row?.p95Ms,
      p99Ms: row?.p99Ms,
    });
    for (const [kind, n] of Object.entries(row?.errors ?? {}))
      kindTotals.set(kind, (kindTotals.get(kind) ?? 0) + n);
  }
  const by = (dimension: UsageDimension) => optional(() => ledger.query({ by: [dimension], since, until }));
  const sla = (dimension: 'target' | 'alias') =>
    optional(() =>
      ledger.sla({
        by: dimension,
        windowMs: w.windowMs,
        objective: w.objective,
        ...(w.burnWindows === undefined ? {} : { burnWindows: w.burnWindows }),
      }),
    );
  return {
    since,
    until,
    stepMs: w.stepMs,
    total: ledger.query({ since, until })[0],
    timeline,
    errorKinds: [...kindTotals.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k]) => k),
    targets: (by('target') ?? []).sort((a, b) => b.calls - a.calls),
    models: by('model'),
    aliases: by('alias'),
    tags: by('tag'),
    sla: { target: sla('target') ?? [], alias: sla('alias') },
  };
}

/** `read()`, or undefined when the ledger does not record the dimension asked for. */
function optional<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof SwitchyardError && /is not recorded/.test(error.message)) return undefined;
    throw error;
  }
}
