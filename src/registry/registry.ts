import { createHash } from "node:crypto";
import type { InstrumentDef } from "../schema/instrument.js";
import { BUILTIN_DEFINITIONS } from "./builtin.js";
import validated from "./builtin-validated.json" with { type: "json" };
import { instrumentFromValidated, loadInstrument, type Instrument } from "./load.js";

/** A set of instruments by id; the built-ins plus whatever a user registers. */
export class Registry {
  private readonly byId = new Map<string, Instrument>();

  constructor(instruments: Iterable<Instrument> = []) {
    for (const i of instruments) this.register(i);
  }

  /** Adds or replaces (e.g. with an overlaid version) an instrument. */
  register(inst: Instrument): this {
    this.byId.set(inst.id, inst);
    return this;
  }

  list(): Instrument[] {
    return [...this.byId.values()];
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** @throws {RangeError} naming the known ids when `id` is not registered */
  get(id: string): Instrument {
    const inst = this.byId.get(id);
    if (!inst) throw new RangeError(`unknown instrument "${id}"; expected one of ${this.ids().join(", ")}`);
    return inst;
  }

  /** Finds the instrument whose item prefix starts a column name, e.g. "pss_7" → pss. */
  byColumn(column: string): Instrument | undefined {
    let best: Instrument | undefined;
    for (const inst of this.byId.values())
      if (column.startsWith(inst.def.itemPrefix) && (!best || inst.def.itemPrefix.length > best.def.itemPrefix.length)) best = inst;
    return best;
  }
}

let builtins: Instrument[] | undefined;

/** What `npm run gen` keeps of a definition that passed loadInstrument: the hash of its JSON and the parsed form. */
export interface ValidatedDefinition {
  sha256: string;
  def: unknown;
}

/** sha256 of a definition's JSON text as JSON.stringify writes it (key order as in the file) */
export const definitionHash = (json: unknown): string => createHash("sha256").update(JSON.stringify(json)).digest("hex");

/**
 * Instruments from definitions: one whose JSON has the hash kept in `cache` (made by `npm run gen`, and checked
 * fresh against the schema by tests/definitions.test.ts) takes the parsed form kept there; any other is validated.
 */
export function loadDefinitions(definitions: ReadonlyArray<readonly [file: string, json: unknown]>, cache: Readonly<Record<string, ValidatedDefinition>>): Instrument[] {
  return definitions.map(([file, json]) => {
    const kept = Object.hasOwn(cache, file) ? cache[file] : undefined;
    if (kept !== undefined && kept.sha256 === definitionHash(json)) return instrumentFromValidated(kept.def as InstrumentDef);
    return loadInstrument(json, { file: `instruments/${file}` });
  });
}

/** The built-in instruments, on first use: validated by `npm run gen` (not on every start), or here when changed since. */
export function builtinInstruments(): Instrument[] {
  builtins ??= loadDefinitions(BUILTIN_DEFINITIONS, validated as Record<string, ValidatedDefinition>);
  return builtins;
}

/** A fresh registry holding the built-in instruments. */
export const defaultRegistry = (): Registry => new Registry(builtinInstruments());

export const listInstruments = (): Instrument[] => builtinInstruments();

/** @throws {RangeError} when `id` is not a built-in instrument */
export const getInstrument = (id: string): Instrument => defaultRegistry().get(id);

/** src/registry/builtin-validated.json as `npm run gen` writes it: each built-in definition validated now. */
export function validatedBuiltins(): string {
  const out: Record<string, ValidatedDefinition> = {};
  for (const [file, json] of BUILTIN_DEFINITIONS) {
    const def = loadInstrument(json, { file: `instruments/${file}` }).def;
    out[file] = { sha256: definitionHash(json), def };
  }
  return JSON.stringify(out, null, 1) + "\n";
}
