/** Pseudonymisation keys on disk: read as bytes, checked, and made with the system's random source. */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { ChoiceError } from "../choice.js";
import { weakKey } from "../export/cohort.js";

/** Bytes `trivsel key new` writes. */
export const NEW_KEY_BYTES = 32;

/**
 * A key file's key: its bytes. A text key (UTF-8 without control characters) loses the white space around it,
 * as an editor or `echo` adds a line break; random bytes are taken as they are.
 * @returns the key and warnings (a key file others may read)
 * @throws {ChoiceError} when the file cannot be read, or the key is too short or too plain
 */
export function readKeyFile(path: string, shown: string): { key: Uint8Array; warnings: string[] } {
  let bytes: Buffer;
  let mode = 0;
  try {
    bytes = readFileSync(path);
    mode = statSync(path).mode;
  } catch (e) {
    throw new ChoiceError(`cannot read --key-file ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const text = bytes.toString("utf8");
  const isText = Buffer.from(text, "utf8").equals(bytes) && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text);
  const key = isText ? Buffer.from(text.trim(), "utf8") : bytes;
  const weak = weakKey(key);
  if (weak !== null) throw new ChoiceError(`the key in ${shown} is not fit for use: ${weak}`);
  const warnings: string[] = [];
  // group or others may read it (not meaningful on Windows)
  if (process.platform !== "win32" && (mode & 0o077) !== 0)
    warnings.push(`${shown} can be read by other users (mode ${(mode & 0o777).toString(8)}); anyone with the key can link pseudonyms back to ids: chmod 600 ${shown}`);
  return { key, warnings };
}

/** Writes a new random key of NEW_KEY_BYTES bytes, readable by its owner only; never replaces an existing file. */
export function writeNewKey(path: string, shown: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChoiceError(code === "EEXIST" ? `${shown} exists already; a key is never replaced (pseudonyms made with it would no longer match): choose another name` : `cannot create ${shown}: ${code ?? (e as Error).message}`);
  }
  try {
    const key = randomBytes(NEW_KEY_BYTES);
    let off = 0;
    while (off < key.length) off += writeSync(fd, key, off, key.length - off);
  } finally {
    closeSync(fd);
  }
}
