import { type RouterSnapshot, SwitchyardError } from '../../index.js';
import { BackupDecodeError, decodeSnapshot, type SkipReason } from './format.js';
import type { SnapshotSource, StoredSnapshot } from './sink.js';

/** A stored snapshot {@link restoreLatest} passed over, and why. */
export interface SnapshotSkippedEvent {
  /** Its id in the source. */
  readonly id: string;
  readonly reason: SkipReason;
  /** What was wrong (never snapshot content). */
  readonly message: string;
}

/** What {@link restoreLatest} did. */
export interface RestoreResult {
  /** The snapshot restored, or `undefined` when none was usable (the router starts fresh). */
  readonly restored: { readonly id: string; readonly takenAt: number } | undefined;
  /** The newer snapshots passed over, newest first. */
  readonly skipped: readonly SnapshotSkippedEvent[];
  /** Set when the source could not even be listed (Redis down, no permission): the router starts fresh. */
  readonly error?: Error;
}

/** Options of {@link restoreLatest}. */
export interface RestoreOptions {
  /** Called for each snapshot passed over (newest first), before the next one is tried. */
  readonly onSkip?: (event: SnapshotSkippedEvent) => void;
}

/** What {@link restoreLatest} restores into: a `Router`, or anything with its `restore()` and `targets`. */
export interface Restorable {
  restore(snapshot: RouterSnapshot): Promise<void>;
  readonly targets: readonly { readonly id: string }[];
}

/**
 * Restores the newest usable snapshot of `source` into `router`: it tries them newest first and
 * passes over (with an `onSkip` event and an entry in the result) one that is corrupt (a torn or
 * altered file: its SHA-256 does not match), from another version, malformed, for a router with
 * none of these targets (another deployment's), or unreadable. It never rejects for what it
 * finds in the source — the worst case is a router that starts fresh — so a start is never
 * stopped by a bad backup. Call it before taking traffic.
 *
 * @throws {SwitchyardError} `config` (as a rejection) for a `router` or `source` of the wrong shape.
 *
 * @example
 * ```ts
 * const result = await restoreLatest(router, new FileSnapshotSink({ dir }), {
 *   onSkip: (e) => log.warn(`backup ${e.id} skipped (${e.reason}): ${e.message}`),
 * });
 * if (result.restored) log.info(`restored ${result.restored.id}`);
 * ```
 */
export async function restoreLatest(
  router: Restorable,
  source: SnapshotSource,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  if (typeof router?.restore !== 'function' || !Array.isArray(router.targets)) {
    throw configError('router', 'expected a Router (with restore() and targets)');
  }
  if (typeof source?.list !== 'function') {
    throw configError('source', 'expected a snapshot source (with list()), e.g. a FileSnapshotSink');
  }
  if (options.onSkip !== undefined && typeof options.onSkip !== 'function') {
    throw configError('onSkip', 'expected a function');
  }
  let stored: readonly StoredSnapshot[];
  try {
    stored = await source.list();
  } catch (error) {
    return {
      restored: undefined,
      skipped: [],
      error: error instanceof Error ? error : new Error(String(error)),
    };
  }
  const ids = new Set(router.targets.map((t) => t.id));
  const skipped: SnapshotSkippedEvent[] = [];
  const skip = (id: string, reason: SkipReason, message: string) => {
    const event = { id, reason, message };
    skipped.push(event);
    try {
      options.onSkip?.(event);
    } catch {
      // a listener's failure does not stop the restore
    }
  };
  for (const entry of stored) {
    let snapshot: RouterSnapshot;
    try {
      snapshot = decodeSnapshot(await entry.read());
    } catch (error) {
      if (error instanceof BackupDecodeError) skip(entry.id, error.reason, error.message);
      else skip(entry.id, 'unreadable', messageOf(error));
      continue;
    }
    const saved = Object.keys(snapshot.targets);
    if (saved.length > 0 && !saved.some((id) => ids.has(id))) {
      skip(entry.id, 'targets', `none of its targets (${preview(saved)}) is a target of this router`);
      continue;
    }
    try {
      await router.restore(snapshot);
    } catch (error) {
      skip(entry.id, 'invalid', messageOf(error));
      continue;
    }
    return { restored: { id: entry.id, takenAt: snapshot.takenAt }, skipped };
  }
  return { restored: undefined, skipped };
}

function preview(ids: readonly string[]): string {
  const shown = ids.slice(0, 3).map((id) => JSON.stringify(id.slice(0, 40)));
  return ids.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function configError(field: string, message: string): SwitchyardError {
  return new SwitchyardError('config', `restoreLatest: ${field}: ${message}`, { retryable: false });
}
