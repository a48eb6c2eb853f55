/**
 * An output directory that appears whole or not at all: files are written into a private temporary
 * directory beside the target, which is then renamed into place. An existing target is replaced only
 * when it is empty or a directory this writer made before (it holds the marker file and nothing but regular files).
 */
import { closeSync, fsyncSync, lstatSync, mkdtempSync, openSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export const DIR_MARKER = ".trivsel-output";

export class DirTargetError extends Error {
  override name = "DirTargetError";
}

export class AtomicDir {
  private tmp: string | null;

  constructor(readonly path: string) {
    checkReplaceable(path);
    this.tmp = mkdtempSync(join(dirname(path), `.${basename(path)}.tmp-`));
    this.write(DIR_MARKER, "written by trivsel; the whole directory is replaced when trivsel writes it again\n");
  }

  /** Writes one file (a plain name, no folders) into the directory-to-be. */
  write(name: string, data: string | Uint8Array): void {
    if (this.tmp === null) throw new Error("AtomicDir: write after commit or abort");
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === "." || name === "..") throw new Error(`AtomicDir: not a plain file name: ${JSON.stringify(name)}`);
    const fd = openSync(join(this.tmp, name), "wx", 0o600);
    try {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  commit(): void {
    if (this.tmp === null) return;
    const tmp = this.tmp;
    this.tmp = null;
    checkReplaceable(this.path);
    let old: string | null = null;
    if (exists(this.path)) {
      old = `${tmp}.old`;
      renameSync(this.path, old);
    }
    try {
      renameSync(tmp, this.path);
    } catch (e) {
      if (old) renameSync(old, this.path);
      removeOwn(tmp);
      throw e;
    }
    if (old) removeOwn(old);
  }

  /** Removes the temporary directory; the target is left as it was. */
  abort(): void {
    if (this.tmp === null) return;
    removeOwn(this.tmp);
    this.tmp = null;
  }
}

const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

function checkReplaceable(path: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  if (!st.isDirectory()) throw new DirTargetError(`${path} exists and is not a directory; choose another output directory`);
  const names = readdirSync(path);
  const ours = names.length === 0 || (names.includes(DIR_MARKER) && names.every((n) => lstatSync(join(path, n)).isFile()));
  if (!ours) throw new DirTargetError(`${path} exists and holds files trivsel did not write; choose another output directory, or remove it`);
}

/** Removes a directory of regular files that this writer made; anything else in it stays. */
function removeOwn(dir: string): void {
  try {
    for (const n of readdirSync(dir)) if (lstatSync(join(dir, n)).isFile()) unlinkSync(join(dir, n));
    rmdirSync(dir);
  } catch {
    // left behind rather than risk removing what is not ours
  }
}
