/**
 * `switchyard-llm/backup`: periodic snapshots of a router's state — breakers, learned strategy
 * state, budget spend — to files or Redis, and a restore of the newest valid one when a process
 * starts, so a process that dies (a crash, SIGKILL, a lost machine) is replaced by one that keeps
 * a dead provider out, routes as the learned router did, and does not overspend its budgets.
 * The Redis sink takes a node-redis client you connect (the optional peer `redis`).
 *
 * @example
 * ```ts
 * import { FileSnapshotSink, restoreLatest, startSnapshots } from 'switchyard-llm/backup';
 * const sink = new FileSnapshotSink({ dir: '/var/lib/myapp/switchyard' });
 * const router = new Router(options);
 * await restoreLatest(router, sink);
 * const snapshots = startSnapshots(router, { sink }); // every 5 s
 * // on shutdown:
 * await snapshots.stop();
 * ```
 */
export type {
  BackupErrorEvent,
  SnapshotSchedulerEvents,
  SnapshotSchedulerListener,
  SnapshotWrittenEvent,
} from './events.js';
export { FileSnapshotSink, type FileSnapshotSinkOptions } from './file-sink.js';
export {
  BACKUP_ENVELOPE_VERSION,
  BACKUP_MAGIC,
  BackupDecodeError,
  decodeSnapshot,
  encodeSnapshot,
  type SkipReason,
} from './format.js';
export { type RedisCommandClient, RedisSnapshotSink, type RedisSnapshotSinkOptions } from './redis-sink.js';
export {
  type Restorable,
  type RestoreOptions,
  type RestoreResult,
  restoreLatest,
  type SnapshotSkippedEvent,
} from './restore.js';
export {
  type SnapshotOptions,
  type SnapshotScheduler,
  type Snapshottable,
  startSnapshots,
} from './scheduler.js';
export type { SnapshotSink, SnapshotSource, SnapshotWriteMeta, StoredSnapshot } from './sink.js';
