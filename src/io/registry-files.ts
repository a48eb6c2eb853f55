/**
 * Files named by options that make the registry (definitions, overlays), and reading any option file: a file that
 * cannot be read or parsed is the caller's choice gone wrong: a ChoiceError naming the file. Apart from
 * option-files.ts (goals, ETR tables) so that a command using only the registry does not load their parsers (yaml).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ChoiceError } from "../choice.js";
import { applyOverlay } from "../registry/overlay.js";
import { loadInstrument } from "../registry/load.js";
import { defaultRegistry, type Registry } from "../registry/registry.js";

/**
 * `parse` of the text of `file` (relative to `cwd`).
 * @throws {ChoiceError} when the file cannot be read, or with the message of `parse`'s error
 */
export function readOptionFile<T>(cwd: string, file: string, parse: (text: string) => T, texts?: Map<string, string>): T {
  let text = texts?.get(file);
  if (text === undefined) {
    try {
      text = readFileSync(resolve(cwd, file), "utf8");
    } catch (e) {
      throw new ChoiceError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    texts?.set(file, text);
  }
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof ChoiceError) throw e;
    throw new ChoiceError((e as Error).message);
  }
}

const json = (file: string) => (text: string) => {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ChoiceError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
};

export interface RegistryFiles {
  /** user instrument definitions (JSON) */
  definitions?: readonly string[] | undefined;
  /** site overlays (JSON) on instruments already registered */
  overlays?: readonly string[] | undefined;
  /** let a definition replace the built-in instrument with the same id */
  replaceBuiltin?: boolean | undefined;
}

/**
 * The built-in instruments, then the user's definitions, then overlays, each validated as it is loaded.
 * `texts`: each file's text by its name as given, kept there as it is read, and read from there when it is in it
 * already (a second reader, src/io/results-worker.ts, gets the texts: a pipe such as <(…) cannot be read twice).
 * @throws {ChoiceError} for unreadable files, a definition reusing a built-in id, an overlay of an unknown instrument
 * @throws {InstrumentDefinitionError} for a definition or overlay that does not validate
 */
export function registryFromFiles(cwd: string, files: RegistryFiles, texts?: Map<string, string>): Registry {
  const reg = defaultRegistry();
  for (const f of files.definitions ?? []) {
    const inst = loadInstrument(readOptionFile(cwd, f, json(f), texts), { file: f });
    if (reg.has(inst.id) && !files.replaceBuiltin)
      throw new ChoiceError(`${f}: instrument id "${inst.id}" is a built-in instrument's; give your definition another id, use --overlay to change the built-in's cutoffs, or pass --replace-builtin to replace it`);
    reg.register(inst);
  }
  for (const f of files.overlays ?? []) {
    const overlay = readOptionFile(cwd, f, json(f), texts) as { instrument?: unknown };
    const id = typeof overlay?.instrument === "string" ? overlay.instrument : "";
    if (!reg.has(id)) throw new ChoiceError(`${f}: overlay names instrument ${JSON.stringify(id)}; expected one of ${reg.ids().join(", ")}`);
    reg.register(applyOverlay(reg.get(id), overlay, { file: f }));
  }
  return reg;
}

