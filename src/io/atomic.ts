import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

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
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    this.fd = openSync(this.tmp, "wx", 0o600);
  }

  write(s: string): void {
    if (this.fd === null) return; // after commit or abort: nothing more reaches the file
    this.pending += s;
    if (this.pending.length >= PENDING) this.encodePending(false);
  }

  /** UTF-8 bytes of whole text, after what was written before (copied: the caller may reuse `bytes`) */
  writeBytes(bytes: Uint8Array): void {
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

  commit(): void {
    this.flush();
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
    renameSync(this.tmp, this.path);
  }

  /** Removes the temporary file; the target is left as it was. */
  abort(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // already gone
    }
  }
}
