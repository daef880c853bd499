import { appendFile, rename, rm, stat } from 'node:fs/promises';

/**
 * Appends text to a file that rotates when it would grow past `maxBytes`: `path` → `path.1` →
 * … → `path.<keep>` (the oldest dropped). Writes run one at a time, in order.
 */
export class RotatingFile {
  #size: number | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly maxBytes: number,
    readonly keep: number,
  ) {}

  /** Appends `text`; resolves when written (rejects with the file system's error). */
  append(text: string): Promise<void> {
    const run = this.#queue.then(() => this.#write(text));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (this.#size === undefined) {
      this.#size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
    }
    if (this.#size > 0 && this.#size + bytes > this.maxBytes) await this.#rotate();
    await appendFile(this.path, text);
    this.#size += bytes;
  }

  async #rotate(): Promise<void> {
    await rm(`${this.path}.${this.keep}`, { force: true });
    for (let k = this.keep - 1; k >= 1; k--) {
      await rename(`${this.path}.${k}`, `${this.path}.${k + 1}`).catch(() => undefined);
    }
    if (this.keep >= 1) await rename(this.path, `${this.path}.1`);
    else await rm(this.path, { force: true });
    this.#size = 0;
  }
}
