import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * An output file that appears whole or not at all: written to a temporary file beside the target,
 * then renamed over it. Writes are buffered and synchronous, so a streaming producer needs no backpressure.
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | null;
  private buf: string[] = [];
  private size = 0;

  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    this.fd = openSync(this.tmp, "wx", 0o600);
  }

  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.fd === null || this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
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
