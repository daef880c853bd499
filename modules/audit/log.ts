import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SwitchyardError } from '../../index.js';
import { redactSecrets } from '../adapter-kit/index.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import {
  AUDIT_EVENT_TYPES,
  type AuditEntry,
  type AuditEventType,
  type AuditSink,
  type AuditValue,
} from './types.js';

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** The JSON Lines file. Created (mode 0600) when missing; appended to when present. */
  readonly path: string;
  /** Rotate before an append would make the file larger than this many bytes. @default no rotation */
  readonly maxBytes?: number;
  /** Wall-clock time in ms. @default Date.now */
  readonly now?: () => number;
}

const FORBIDDEN_FIELD =
  /secret|password|passphrase|credential|api[-_]?key|^(key|token|prompt|messages?|content|text|completion|input|output)$/i;
const TAIL_BYTES = 64 * 1024;

/**
 * An append-only, hash-chained JSON Lines audit log: every entry carries the SHA-256 of the one
 * before, so {@link verifyAuditLog} finds an edited, removed or reordered line. Rotation renames
 * the file to `<path>.<n>` and starts the new file with an `audit.rotated` entry chained to the
 * last hash of the old one.
 *
 * Appends are synchronous (one `write` per entry, in order): audit events are rare and their
 * order is the point.
 */
export class AuditLog implements AuditSink {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #fd: number;
  #size: number;
  #seq: number;
  #last: string;
  #closed = false;

  private constructor(options: AuditLogOptions, fd: number, size: number, seq: number, last: string) {
    this.path = options.path;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
    this.#fd = fd;
    this.#size = size;
    this.#seq = seq;
    this.#last = last;
  }

  /**
   * Opens (or creates) the log and reads the chain's head from its last line. A last line that is
   * not an audit entry is a `config` error: run {@link verifyAuditLog} to see what happened.
   */
  static open(options: AuditLogOptions): AuditLog {
    if (typeof options?.path !== 'string' || options.path === '') {
      throw new SwitchyardError('config', 'audit log: options.path must be a non-empty string');
    }
    const { maxBytes } = options;
    if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes >= 1024)) {
      throw new SwitchyardError('config', 'audit log: options.maxBytes must be an integer of at least 1024');
    }
    const fd = openSync(options.path, 'a+', 0o600);
    try {
      const size = fstatSync(fd).size;
      const head = size === 0 ? previousFileHead(options.path) : readHead(fd, size, options.path);
      return new AuditLog(options, fd, size, head.seq, head.hash);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The hash of the last entry (the chain's head). */
  get lastHash(): string {
    return this.#last;
  }

  /** The `seq` of the last entry (0 when empty). */
  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Appends one event. `data` holds scalars only; a field named like a secret or prompt text
   * (`secret`, `apiKey`, `password`, `prompt`, `text`, …) is refused with an `invalid_request`
   * error, and strings that look like API keys are redacted.
   */
  record(type: AuditEventType, data: Readonly<Record<string, AuditValue>> = {}): AuditEntry {
    if (this.#closed) throw new SwitchyardError('invalid_request', 'audit log: the log is closed');
    if (!AUDIT_EVENT_TYPES.includes(type)) {
      throw new SwitchyardError('invalid_request', `audit log: unknown event type '${String(type)}'`);
    }
    const clean = checkData(data);
    let line = this.#line(type, clean);
    if (this.#size > 0 && this.#size + Buffer.byteLength(line.text) > this.#maxBytes) {
      this.rotate();
      line = this.#line(type, clean);
    }
    this.#append(line.text);
    this.#seq = line.entry.seq;
    this.#last = line.entry.hash;
    return line.entry;
  }

  /**
   * Renames the current file to `<path>.<n>` (the next free number) and starts a new one whose
   * first entry, `audit.rotated`, carries the last hash of the old file. Returns the old file's
   * new path.
   */
  rotate(): string {
    if (this.#closed) throw new SwitchyardError('invalid_request', 'audit log: the log is closed');
    const rotated = `${this.path}.${nextRotationNumber(this.path)}`;
    closeSync(this.#fd);
    renameSync(this.path, rotated);
    this.#fd = openSync(this.path, 'a+', 0o600);
    this.#size = 0;
    const line = this.#line('audit.rotated', { previousFile: basename(rotated), previousSeq: this.#seq });
    this.#append(line.text);
    this.#seq = line.entry.seq;
    this.#last = line.entry.hash;
    return rotated;
  }

  /** Closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  #line(type: AuditEventType, data: Record<string, AuditValue>): { entry: AuditEntry; text: string } {
    const body = {
      seq: this.#seq + 1,
      at: new Date(this.#now()).toISOString(),
      type,
      data,
      prev: this.#last,
    };
    const entry: AuditEntry = { ...body, hash: entryHash(body) };
    return { entry, text: `${JSON.stringify(entry)}\n` };
  }

  #append(text: string): void {
    const buffer = Buffer.from(text);
    let written = 0;
    while (written < buffer.length) written += writeSync(this.#fd, buffer, written);
    this.#size += buffer.length;
  }
}

/**
 * Checks an entry's `data`: scalars only, no field named like a secret or prompt text; strings
 * that look like API keys are redacted. Shared by every audit sink.
 */
export function checkData(data: Readonly<Record<string, AuditValue>>): Record<string, AuditValue> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new SwitchyardError('invalid_request', 'audit log: data must be an object of scalars');
  }
  const out: Record<string, AuditValue> = {};
  for (const [name, value] of Object.entries(data)) {
    if (FORBIDDEN_FIELD.test(name)) {
      throw new SwitchyardError(
        'invalid_request',
        `audit log: field '${name}' looks like a secret or prompt text; audit entries never carry either`,
      );
    }
    if (
      value !== null &&
      typeof value !== 'string' &&
      typeof value !== 'number' &&
      typeof value !== 'boolean'
    ) {
      throw new SwitchyardError(
        'invalid_request',
        `audit log: field '${name}' must be a string, number, boolean or null`,
      );
    }
    out[name] = typeof value === 'string' ? redactSecrets(value) : value;
  }
  return out;
}

/** The last entry's `seq` and hash, read from the file's tail. */
function readHead(fd: number, size: number, path: string): { seq: number; hash: string } {
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, size - length);
  const lines = buffer
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const last = lines.at(-1);
  try {
    const entry = JSON.parse(last ?? '') as Partial<AuditEntry>;
    if (
      typeof entry.seq === 'number' &&
      typeof entry.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(entry.hash)
    ) {
      return { seq: entry.seq, hash: entry.hash };
    }
  } catch {
    // reported below
  }
  throw new SwitchyardError(
    'config',
    `audit log: the last line of '${path}' is not an audit entry (not a Switchyard audit log, or damaged: run verifyAuditLog)`,
  );
}

/** The head hash of the newest rotated file, so a log re-created after a rotation keeps its chain. */
function previousFileHead(path: string): { seq: number; hash: string } {
  const start = { seq: 0, hash: GENESIS_HASH };
  const newest = rotatedFiles(path).at(-1);
  if (newest === undefined) return start;
  const fd = openSync(newest, 'r');
  try {
    const size = fstatSync(fd).size;
    return size === 0 ? start : readHead(fd, size, newest);
  } finally {
    closeSync(fd);
  }
}

/** The rotated files of a log (`<path>.<n>`), oldest first. */
export function rotatedFiles(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, n: rotationNumber(base, name) }))
    .filter((f): f is { name: string; n: number } => f.n !== undefined)
    .sort((a, b) => a.n - b.n)
    .map((f) => join(dir, f.name));
}

/**
 * Every file of a log in chain order: the rotated files (`<path>.1`, `<path>.2`, …) and then the
 * current one. Pass the result to {@link verifyAuditLog} to check the whole chain.
 */
export function auditLogFiles(path: string): string[] {
  return [...rotatedFiles(path), ...(existsSync(path) ? [path] : [])];
}

function rotationNumber(base: string, name: string): number | undefined {
  if (!name.startsWith(`${base}.`)) return undefined;
  const rest = name.slice(base.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

function nextRotationNumber(path: string): number {
  const last = rotatedFiles(path).at(-1);
  return last === undefined ? 1 : (rotationNumber(basename(path), basename(last)) ?? 0) + 1;
}
