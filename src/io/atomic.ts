import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** An output that cannot be written: the message names the file and what to do; nothing was written. */
export class OutputError extends Error {
  override name = "OutputError";
  constructor(
    message: string,
    readonly path: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const ADVICE: Record<string, string> = {
  ENOSPC: "the disk is full; free some space or write to another disk",
  EDQUOT: "the disk quota is used up; free some space or write elsewhere",
  EACCES: "permission denied; choose a folder you may write to, or ask for write access",
  EPERM: "the operation is not permitted; choose a folder you may write to",
  EROFS: "the file system is read-only; write somewhere else",
  ENOENT: "the folder does not exist; create it first or choose another path",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder; give a file name",
  EIO: "the disk reported an input/output error; try another disk",
};

/** A file-system error while writing `path` as an OutputError that says what to do. */
export function outputError(path: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (e instanceof OutputError) return e;
  return new OutputError(`cannot write ${path}: ${(code && ADVICE[code]) ?? (e as Error).message} (${code ?? "error"})`, path, code);
}

/** Temporary files not yet committed or removed, so that a signal handler can remove them (see removeTemporaryFiles). */
const live = new Set<AtomicFile>();

/** Removes every temporary file still open: for SIGINT/SIGTERM, before the process exits. */
export function removeTemporaryFiles(): void {
  for (const f of [...live]) f.abort();
}

/**
 * Refuses to write over anything but a regular file: a symlink, FIFO, device, socket or folder at `path` is
 * left alone (renaming over it would replace it by a file of health data).
 */
export function checkOutputPath(path: string, shown = path): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw outputError(shown, e);
  }
  if (st.isFile()) return;
  const what = st.isSymbolicLink()
    ? "a symbolic link"
    : st.isFIFO()
      ? "a named pipe (FIFO)"
      : st.isCharacterDevice() || st.isBlockDevice()
        ? "a device"
        : st.isSocket()
          ? "a socket"
          : st.isDirectory()
            ? "a folder"
            : "not a regular file";
  throw new OutputError(`will not write ${shown}: it is ${what}; trivsel writes only a new file or over a regular file (use - for standard output)`, shown);
}

let tmpCount = 0;

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

const CAPACITY = 1 << 20;
const PENDING = 1 << 14;

/**
 * An output file that appears whole or not at all: written to a temporary file beside the target,
 * then renamed over it. Writes are buffered and synchronous, so a streaming producer needs no backpressure.
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | null;
  // text is gathered into short strings (one encode call per ~16K characters, not per line) and encoded
  // into this buffer, so written lines do not stay long on the JS heap
  private pending = "";
  private readonly buf = Buffer.allocUnsafe(CAPACITY);
  private used = 0;

  constructor(readonly path: string) {
    checkOutputPath(path);
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${tmpCount++}.tmp`);
    try {
      this.fd = openSync(this.tmp, "wx", 0o600);
    } catch (e) {
      throw outputError(path, e);
    }
    live.add(this);
  }

  write(s: string): void {
    if (this.fd === null) return; // after commit or abort: nothing more reaches the file
    this.pending += s;
    if (this.pending.length >= PENDING) this.guard(() => this.encodePending(false));
  }

  /** a failed write removes the temporary file and says what to do */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.abort();
      throw outputError(this.path, e);
    }
  }

  /** UTF-8 bytes of whole text, after what was written before (copied: the caller may reuse `bytes`) */
  writeBytes(bytes: Uint8Array): void {
    if (this.fd === null) return;
    this.guard(() => this.writeBytesNow(bytes));
  }

  private writeBytesNow(bytes: Uint8Array): void {
    if (this.fd === null) return;
    this.encodePending(true);
    if (this.used + bytes.length > CAPACITY) {
      this.writeBuffer();
      if (bytes.length > CAPACITY) {
        writeAll(this.fd, bytes);
        return;
      }
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** `all` false: a trailing high surrogate waits for the low one that may come with the next write */
  private encodePending(all: boolean): void {
    let s = this.pending;
    this.pending = "";
    const last = s.charCodeAt(s.length - 1);
    if (!all && last >= 0xd800 && last <= 0xdbff) {
      this.pending = s.slice(-1);
      s = s.slice(0, -1);
    }
    if (this.fd === null || s === "") return;
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    if (this.used + s.length * 3 > CAPACITY) {
      this.writeBuffer();
      if (s.length * 3 > CAPACITY) {
        writeAll(this.fd, Buffer.from(s, "utf8"));
        return;
      }
    }
    this.used += this.buf.write(s, this.used, "utf8");
  }

  private flush(): void {
    this.encodePending(true);
    this.writeBuffer();
  }

  private writeBuffer(): void {
    if (this.fd === null || this.used === 0) return;
    writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Writes everything out and syncs it, keeping the temporary file: the part of a commit that can run out of space. */
  prepare(): void {
    if (this.fd === null) return;
    this.guard(() => {
      this.flush();
      fsyncSync(this.fd!);
      closeSync(this.fd!);
      this.fd = null;
    });
    this.prepared = true;
  }
  private prepared = false;

  /** Moves the finished file into place. */
  commit(): void {
    if (!this.prepared) this.prepare();
    if (!this.prepared) return;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      this.abort();
      throw outputError(this.path, e);
    }
    this.prepared = false;
    live.delete(this);
  }

  /** Removes the temporary file; the target is left as it was. */
  abort(): void {
    live.delete(this);
    this.prepared = false;
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // closing is all that is left to do
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
  }
}

/**
 * Files that appear together or not at all (a cohort file and its dictionary): all are written out and synced
 * first, where a full disk shows, and only then renamed into place; if a rename fails, the files already
 * renamed are removed again.
 */
export function commitTogether(files: readonly AtomicFile[]): void {
  try {
    for (const f of files) f.prepare();
  } catch (e) {
    for (const f of files) f.abort();
    throw e;
  }
  const done: AtomicFile[] = [];
  try {
    for (const f of files) {
      f.commit();
      done.push(f);
    }
  } catch (e) {
    for (const f of files) f.abort();
    for (const f of done) {
      try {
        unlinkSync(f.path);
      } catch {
        // already gone
      }
    }
    throw e;
  }
}
