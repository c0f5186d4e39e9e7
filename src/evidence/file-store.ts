// Evidence files on disk, content-addressed: <dir>/<sha256>.<ext>. A download streams into
// <dir>/.tmp/<random>.part while its sha256 and size are computed; over the limit it is aborted and the
// part deleted; complete, it is renamed into place (atomic on one file system). So a file under its
// final name is always whole, and a part left by a killed process is never read (and swept on start).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const TMP_DIR = '.tmp';
/** Parts older than this at start-up belong to a process that died mid-download. */
export const STALE_PART_MS = 10 * 60_000;

export class TooLargeError extends Error {
  constructor(readonly limitBytes: number, readonly seenBytes: number) {
    super(`file exceeds ${limitBytes} bytes (read ${seenBytes} so far)`);
  }
}

/** The stream ended before the length Lark announced: a cut connection, not a file. */
export class TruncatedError extends Error {
  constructor(readonly expected: number, readonly got: number) {
    super(`download cut short: ${got} of ${expected} bytes`);
  }
}

export interface SavedFile {
  sha256: string;
  size: number;
  /** Relative to the evidence dir. */
  storagePath: string;
}

export interface FileStore {
  dir: string;
  /**
   * Streams `source` into place. `onHead` sees the first bytes (for type sniffing) and may throw to
   * refuse the file; `ext` may be decided there too. Throws TooLargeError / TruncatedError / the
   * stream's error, leaving nothing behind.
   */
  save(source: Readable, opts: { maxBytes: number; expectedBytes?: number; ext: (head: Uint8Array) => string }): Promise<SavedFile>;
  /** Absolute path of a stored file. */
  pathOf(storagePath: string): string;
  /** Deletes parts older than STALE_PART_MS (by the file system's clock); returns how many. */
  sweepParts(nowMs?: number): number;
  /** Parts currently on disk (tests, diagnostics). */
  parts(): string[];
}

export function createFileStore(dir: string): FileStore {
  const abs = path.resolve(dir);
  const tmp = path.join(abs, TMP_DIR);
  const ensure = () => fs.mkdirSync(tmp, { recursive: true });

  return {
    dir: abs,
    async save(source, opts) {
      ensure();
      const part = path.join(tmp, `${crypto.randomBytes(12).toString('hex')}.part`);
      const hash = crypto.createHash('sha256');
      let size = 0;
      let head: Uint8Array | undefined;
      let ext = 'bin';
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          try {
            if (!head) {
              head = chunk.subarray(0, 16);
              ext = opts.ext(head);
            }
            size += chunk.length;
            if (size > opts.maxBytes) return done(new TooLargeError(opts.maxBytes, size));
            hash.update(chunk);
            done(null, chunk);
          } catch (e) {
            done(e as Error);
          }
        },
      });
      const sink = fs.createWriteStream(part, { flags: 'wx' });
      try {
        await pipeline(source, meter, sink);
        if (opts.expectedBytes !== undefined && size !== opts.expectedBytes) throw new TruncatedError(opts.expectedBytes, size);
        if (!head) ext = opts.ext(new Uint8Array());
        const sha256 = hash.digest('hex');
        const storagePath = `${sha256}.${ext}`;
        // Same bytes already in place (another task, or an earlier attempt): identical content, so replacing is harmless.
        fs.renameSync(part, path.join(abs, storagePath));
        return { sha256, size, storagePath };
      } catch (e) {
        source.destroy();
        // The file is opened asynchronously: a source that fails at once may beat the open, which then
        // creates the part after us. Wait for the sink to close before removing it.
        if (!sink.closed) await once(sink, 'close').catch(() => undefined);
        fs.rmSync(part, { force: true });
        throw e;
      }
    },
    pathOf(storagePath) {
      const p = path.resolve(abs, storagePath);
      if (path.dirname(p) !== abs) throw new Error(`evidence path outside the evidence dir: ${storagePath}`);
      return p;
    },
    sweepParts(nowMs = Date.now()) {
      if (!fs.existsSync(tmp)) return 0;
      let n = 0;
      for (const name of fs.readdirSync(tmp)) {
        const p = path.join(tmp, name);
        try {
          if (nowMs - fs.statSync(p).mtimeMs > STALE_PART_MS) {
            fs.rmSync(p, { force: true });
            n++;
          }
        } catch {
          // gone meanwhile
        }
      }
      return n;
    },
    parts() {
      return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
    },
  };
}
