import { createHash } from 'node:crypto';
import { parseRouterSnapshot, type RouterSnapshot, SwitchyardError } from '../../index.js';

/** The first word of every stored snapshot. */
export const BACKUP_MAGIC = 'switchyard-backup';
/** The version of the envelope (the header line) this module writes and reads. */
export const BACKUP_ENVELOPE_VERSION = 1;

/** Why a stored snapshot was not restored. */
export type SkipReason =
  /** Torn, truncated or altered: the header, length or SHA-256 does not match, or the JSON does not parse. */
  | 'corrupt'
  /** Written by another (newer) version: the envelope's or the snapshot's version is not one this reads. */
  | 'version'
  /** Intact but not a router snapshot this version accepts (a field of the wrong type). */
  | 'invalid'
  /** A snapshot of a router with none of this router's targets (another deployment's). */
  | 'targets'
  /** The sink could not read it (I/O error). */
  | 'unreadable';

/** A stored snapshot that could not be used, and why (the message never holds snapshot content). */
export class BackupDecodeError extends Error {
  /** What kind of problem it is. */
  readonly reason: SkipReason;
  constructor(reason: SkipReason, message: string) {
    super(message);
    this.name = 'BackupDecodeError';
    this.reason = reason;
  }
}

/**
 * A snapshot as stored: one header line — `switchyard-backup 1 sha256:<hex> <bytes>` — then the
 * snapshot's JSON. The checksum and length cover the JSON's UTF-8 bytes, so a torn or altered
 * copy is detected before anything is restored.
 */
export function encodeSnapshot(snapshot: RouterSnapshot): string {
  const body = JSON.stringify(snapshot);
  const bytes = Buffer.byteLength(body, 'utf8');
  return `${BACKUP_MAGIC} ${BACKUP_ENVELOPE_VERSION} sha256:${sha256(body)} ${bytes}\n${body}`;
}

/**
 * Reads what {@link encodeSnapshot} wrote: checks the header, the length and the checksum, parses
 * the JSON and checks it is a router snapshot this version reads.
 * @throws {BackupDecodeError} with the {@link SkipReason}.
 */
export function decodeSnapshot(data: string): RouterSnapshot {
  const cut = data.indexOf('\n');
  const header = (cut < 0 ? data : data.slice(0, cut)).split(' ');
  if (header[0] !== BACKUP_MAGIC)
    throw new BackupDecodeError('corrupt', 'not a switchyard backup (bad header)');
  if (header[1] !== String(BACKUP_ENVELOPE_VERSION)) {
    const known = /^\d{1,6}$/.test(header[1] ?? '');
    throw new BackupDecodeError(
      known ? 'version' : 'corrupt',
      known
        ? `envelope version ${header[1]} is not one this version reads (${BACKUP_ENVELOPE_VERSION})`
        : 'bad header',
    );
  }
  const sum = /^sha256:([0-9a-f]{64})$/.exec(header[2] ?? '');
  const length = /^\d{1,12}$/.test(header[3] ?? '') ? Number(header[3]) : Number.NaN;
  if (sum === null || Number.isNaN(length) || header.length !== 4 || cut < 0) {
    throw new BackupDecodeError('corrupt', 'bad header');
  }
  const body = data.slice(cut + 1);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes !== length) {
    throw new BackupDecodeError(
      'corrupt',
      `truncated or extended: ${bytes} bytes where the header says ${length}`,
    );
  }
  if (sha256(body) !== sum[1]) throw new BackupDecodeError('corrupt', 'the SHA-256 checksum does not match');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BackupDecodeError('corrupt', 'the JSON does not parse');
  }
  try {
    return parseRouterSnapshot(value);
  } catch (error) {
    const message = error instanceof SwitchyardError ? error.message : String(error);
    const version = /^snapshot\.version\b/.test(message);
    throw new BackupDecodeError(version ? 'version' : 'invalid', message);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
