/** One stored snapshot, as a sink lists it. */
export interface StoredSnapshot {
  /** Where it is, for events and logs: a file name, or `<key>[<index>]` in Redis. */
  readonly id: string;
  /** Its encoded content (what {@link SnapshotSink.write} was given). */
  read(): Promise<string>;
}

/** Where {@link restoreLatest} reads snapshots from. */
export interface SnapshotSource {
  /** The stored snapshots, newest first (an empty list when there are none yet). */
  list(): Promise<readonly StoredSnapshot[]>;
}

/** Where {@link startSnapshots} writes snapshots; also a {@link SnapshotSource}. */
export interface SnapshotSink extends SnapshotSource {
  /**
   * Stores one encoded snapshot durably (resolving only once it is), then drops all but the
   * newest `keep`. Resolves with the new snapshot's id.
   */
  write(data: string, meta: SnapshotWriteMeta): Promise<string>;
}

/** What a sink learns about the snapshot it writes. */
export interface SnapshotWriteMeta {
  /** The router clock time at which the snapshot was taken. */
  readonly takenAt: number;
  /** How many snapshots to keep, this one included. */
  readonly keep: number;
}
